public import Foundation

/// `scripts/token-server.py` run for one test: a token service (the `WWW-Authenticate: Bearer` exchange) whose
/// ES256 tokens a ``LocalRegistry`` trusts; it grants every action to its one account and none to anyone else.
public final class TokenService: @unchecked Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// The certificate whose key signs the tokens (the registry's `rootcertbundle`).
    public let certificate: String
    /// The account it grants.
    public let credentials: (user: String, password: String)
    private let directory: String
    private let process = Process()
    private let log: String

    /// The realm the registry names in its challenge.
    public var realm: String { "http://127.0.0.1:\(port)/token" }

    /// Makes a signing key and certificate with openssl and starts the service.
    public init(credentials: (user: String, password: String)) throws {
        self.credentials = credentials
        directory = try TestFiles.temporaryDirectory("token")
        certificate = "\(directory)/token.pem"
        log = "\(directory)/token.log"
        let made = try TestFiles.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(directory)/token.key", "-out", certificate, "-days", "1", "-subj", "/CN=token issuer",
            ]
        )
        guard made.status == 0 else { throw RegistryTestFailure("openssl: \(made.errorText)") }
        port = try TestFiles.freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/token-server.py").path
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            script, String(port), "\(directory)/token.key", certificate, credentials.user, credentials.password,
        ]
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        try TestFiles.waitForListener(port: port)
    }

    deinit {
        // SIGKILL: Python's threading server may outlive a SIGTERM while a handler thread runs.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The lines the service logged (`token granted [...]`, `token anonymous [...]`, `refused`).
    public var requests: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
