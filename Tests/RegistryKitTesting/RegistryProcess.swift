public import Foundation
public import SystemLibraries

/// Debian's `docker-registry` (distribution 2.8) run as a plain process for one test: http or https (a private CA's
/// certificate), open or behind htpasswd basic auth; stopped and its storage removed when released.
public final class LocalRegistry: @unchecked Sendable {
    public static let binary = "/usr/bin/docker-registry"
    public static var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    public let port: Int
    public let directory: String
    public let tls: TestCertificates?
    public let credentials: (user: String, password: String)?
    private let process = Process()

    public var address: String { "127.0.0.1:\(port)" }
    public var origin: String { "\(tls == nil ? "http" : "https")://\(address)" }

    public init(tls: TestCertificates? = nil, credentials: (user: String, password: String)? = nil) throws {
        self.tls = tls
        self.credentials = credentials
        directory = try TestFiles.temporaryDirectory("registry")
        port = try TestFiles.freePort()
        var config = """
            version: 0.1
            log: {level: error, accesslog: {disabled: true}}
            storage:
              filesystem: {rootdirectory: \(directory)/store}
              delete: {enabled: true}
            http:
              addr: 127.0.0.1:\(port)

            """
        if let tls {
            config += "  tls: {certificate: \(tls.serverCertificate), key: \(tls.serverKey)}\n"
        }
        if let credentials {
            let hash = try Bcrypt.hash(credentials.password, cost: 5)
            try "\(credentials.user):\(hash)\n".write(toFile: "\(directory)/htpasswd", atomically: true, encoding: .utf8)
            config += "auth:\n  htpasswd: {realm: test, path: \(directory)/htpasswd}\n"
        }
        try config.write(toFile: "\(directory)/config.yml", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["serve", "\(directory)/config.yml"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        try TestFiles.waitForListener(port: port)
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// skopeo's flags for this registry as a source (`src`) or destination (`dest`).
    public func skopeoFlags(_ side: String) -> [String] {
        var flags: [String] = []
        if let tls { flags += ["--\(side)-cert-dir", tls.certificateDirectory] } else { flags += ["--\(side)-tls-verify=false"] }
        if let credentials { flags += ["--\(side)-creds", "\(credentials.user):\(credentials.password)"] }
        return flags
    }

    /// The exact manifest bytes `skopeo inspect --raw` reads for `reference` (`repo:tag` or `repo@digest`); `nil`
    /// when skopeo finds none.
    public func rawManifest(_ reference: String) -> [UInt8]? {
        var flags: [String] = []
        if let tls { flags += ["--cert-dir", tls.certificateDirectory] } else { flags += ["--tls-verify=false"] }
        if let credentials { flags += ["--creds", "\(credentials.user):\(credentials.password)"] }
        let result = try? TestFiles.run("/usr/bin/skopeo", ["inspect", "--raw"] + flags + ["docker://\(address)/\(reference)"])
        guard let result, result.status == 0 else { return nil }
        return result.output
    }
}

/// A private CA and a server certificate for 127.0.0.1 it signed, made by the real openssl.
public struct TestCertificates: Sendable {
    public let directory: String
    public var caCertificate: String { "\(directory)/ca.pem" }
    public var serverCertificate: String { "\(directory)/server.pem" }
    public var serverKey: String { "\(directory)/server.key" }
    /// A directory skopeo reads (`ca.crt`).
    public var certificateDirectory: String { "\(directory)/certs.d" }

    public static func make() throws -> TestCertificates {
        let directory = try TestFiles.temporaryDirectory("pki")
        let certificates = TestCertificates(directory: directory)
        func openssl(_ arguments: [String]) throws {
            let result = try TestFiles.run("/usr/bin/openssl", arguments)
            guard result.status == 0 else { throw RegistryTestFailure("openssl \(arguments.first ?? "") failed") }
        }
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "\(directory)/ca.key", "-out", certificates.caCertificate, "-days", "2", "-subj", "/CN=mirror test CA",
        ])
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            certificates.serverKey, "-out", "\(directory)/server.csr", "-subj", "/CN=127.0.0.1",
        ])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n".write(
            toFile: "\(directory)/server.ext", atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(directory)/server.csr", "-CA", certificates.caCertificate, "-CAkey",
            "\(directory)/ca.key", "-CAcreateserial", "-out", certificates.serverCertificate, "-days", "1",
            "-extfile", "\(directory)/server.ext",
        ])
        try FileManager.default.createDirectory(atPath: certificates.certificateDirectory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: certificates.caCertificate, toPath: "\(certificates.certificateDirectory)/ca.crt")
        return certificates
    }

    public func caPEM() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: caCertificate))) }
}

public struct RegistryTestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Files, ports and processes for the tests.
public enum TestFiles {
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = NSTemporaryDirectory() + "registrykit-\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 20_000..<40_000)
            if (try? HTTPClient().perform(HTTPRequest(url: "http://127.0.0.1:\(port)/", connectTimeoutMilliseconds: 200)))
                == nil
            {
                return port
            }
        }
        throw RegistryTestFailure("no free port")
    }

    public static func waitForListener(port: Int) throws {
        for _ in 0..<100 {
            do {
                _ = try HTTPClient().perform(
                    HTTPRequest(url: "http://127.0.0.1:\(port)/", connectTimeoutMilliseconds: 200, timeoutMilliseconds: 500))
                return
            } catch .connectionRefused {
                usleep(50_000)
            } catch {
                return  // something answered (a TLS listener refuses plain http)
            }
        }
        throw RegistryTestFailure("nothing listens on port \(port)")
    }

    public struct RunResult {
        public let status: Int32
        public let output: [UInt8]
        public let errorText: String
    }

    public static func run(_ executable: String, _ arguments: [String]) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        let errorBytes = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, output: Array(bytes), errorText: String(decoding: errorBytes, as: UTF8.self))
    }

    public static func sha256(_ bytes: [UInt8]) -> String { "sha256:" + HexText.lowerCase(SHA256.hash(bytes)) }
}
