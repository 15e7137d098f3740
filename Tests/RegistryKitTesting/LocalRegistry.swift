public import Foundation
public import SystemLibraries

/// Debian's `docker-registry` (distribution 2.8) run as a plain process for one test: http or https (a private CA's
/// certificate), open or behind htpasswd basic auth; stopped and its storage removed when released.
public final class LocalRegistry: @unchecked Sendable {
    /// The program.
    public static let binary = "/usr/bin/docker-registry"
    /// Whether the program is installed.
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// Its scratch directory: config, htpasswd and storage.
    public let directory: String
    /// The certificates it serves with, if https.
    public let tls: TestCertificates?
    /// The one htpasswd account, if any.
    public let credentials: (user: String, password: String)?
    private let process: Process

    /// `127.0.0.1:<port>`.
    public var address: String { "127.0.0.1:\(port)" }
    /// `http(s)://127.0.0.1:<port>`.
    public var origin: String { "\(tls == nil ? "http" : "https")://\(address)" }

    /// Starts a registry and waits until it listens: behind htpasswd basic auth with `credentials`, or behind the
    /// token service `token` (whose account then is the credentials).
    public init(
        tls: TestCertificates? = nil,
        credentials: (user: String, password: String)? = nil,
        token: TokenService? = nil
    ) throws {
        self.tls = tls
        self.credentials = credentials ?? token?.credentials
        directory = try TestFiles.temporaryDirectory("registry")
        var config = """
            version: 0.1
            log: {level: error, accesslog: {disabled: true}}
            storage:
              filesystem: {rootdirectory: \(directory)/store}
              delete: {enabled: true}
            http:
              addr: 127.0.0.1:PORT

            """
        if let tls {
            config += "  tls: {certificate: \(tls.serverCertificate), key: \(tls.serverKey)}\n"
        }
        if let token {
            config +=
                "auth:\n  token: {realm: \(token.realm), service: test-registry, issuer: test-issuer,"
                + " rootcertbundle: \(token.certificate)}\n"
        } else if let credentials {
            let hash = try Bcrypt.hash(credentials.password, cost: 5)
            try "\(credentials.user):\(hash)\n".write(
                toFile: "\(directory)/htpasswd",
                atomically: true,
                encoding: .utf8
            )
            config += "auth:\n  htpasswd: {realm: test, path: \(directory)/htpasswd}\n"
        }
        // A port that was free when chosen may be taken before the registry binds it: then it exits, and
        // another port is tried.
        for attempt in 1...5 {
            let port = try TestFiles.freePort()
            let file = "\(directory)/config.yml"
            try config.replacingOccurrences(of: "PORT", with: String(port))
                .write(toFile: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.binary)
            process.arguments = ["serve", file]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            do {
                try TestFiles.waitForListener(port: port, while: { process.isRunning })
                self.port = port
                self.process = process
                return
            } catch {
                process.terminate()
                process.waitUntilExit()
                if attempt == 5 { throw error }
            }
        }
        throw RegistryTestFailure("the registry did not start")
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// skopeo's flags for this registry as a source (`src`) or destination (`dest`).
    public func skopeoFlags(_ side: String) -> [String] {
        var flags: [String] = []
        if let tls {
            flags += ["--\(side)-cert-dir", tls.certificateDirectory]
        } else {
            flags += ["--\(side)-tls-verify=false"]
        }
        if let credentials { flags += ["--\(side)-creds", "\(credentials.user):\(credentials.password)"] }
        return flags
    }

    /// The exact manifest bytes `skopeo inspect --raw` reads for `reference` (`repo:tag` or `repo@digest`); `nil`
    /// when skopeo finds none.
    public func rawManifest(_ reference: String) -> [UInt8]? {
        var flags: [String] = []
        if let tls { flags += ["--cert-dir", tls.certificateDirectory] } else { flags += ["--tls-verify=false"] }
        if let credentials { flags += ["--creds", "\(credentials.user):\(credentials.password)"] }
        let result = try? TestFiles.run(
            "/usr/bin/skopeo",
            ["inspect", "--raw"] + flags + ["docker://\(address)/\(reference)"]
        )
        guard let result, result.status == 0 else { return nil }
        return result.output
    }
}
