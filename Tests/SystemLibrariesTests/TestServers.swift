import Foundation
import RegistryCharmTesting
import SystemLibraries

/// Certificates made by the real openssl: a CA, a server certificate it signed (for 127.0.0.1 and localhost), a
/// client certificate it signed, and a self-signed certificate for another name.
struct TestPKI {
    let directory: String

    var ca: String { "\(directory)/ca.pem" }
    var server: String { "\(directory)/server.pem" }
    var serverKey: String { "\(directory)/server.key" }
    var client: String { "\(directory)/client.pem" }
    var clientKey: String { "\(directory)/client.key" }
    var other: String { "\(directory)/other.pem" }
    var otherKey: String { "\(directory)/other.key" }

    static func make() async throws -> TestPKI {
        let pki = TestPKI(directory: try DockerTestShell.temporaryDirectory("pki"))
        let dir = pki.directory
        func openssl(_ arguments: [String]) async throws {
            try await DockerTestShell.run("/usr/bin/openssl", arguments)
        }
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
            "\(dir)/ca.key", "-out", pki.ca, "-days", "2", "-subj", "/CN=test CA",
        ])
        for (name, extensions) in [
            ("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
            ("client", "extendedKeyUsage=clientAuth"),
        ] {
            try await openssl([
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                "\(dir)/\(name).key", "-out", "\(dir)/\(name).csr", "-subj", "/CN=\(name)",
            ])
            try DockerTestShell.write(extensions + "\n", to: "\(dir)/\(name).ext")
            try await openssl([
                "x509", "-req", "-in", "\(dir)/\(name).csr", "-CA", pki.ca, "-CAkey", "\(dir)/ca.key",
                "-CAcreateserial", "-out", "\(dir)/\(name).pem", "-days", "1", "-extfile", "\(dir)/\(name).ext",
            ])
        }
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", pki.otherKey,
            "-out", pki.other, "-days", "1", "-subj", "/CN=other", "-addext", "subjectAltName=DNS:other.test",
        ])
        return pki
    }

    func bytes(_ path: String) throws -> [UInt8] { try DockerTestShell.bytes(path) }
}

/// A server program run for one test, stopped when the test ends.
final class TestServer {
    let process = Process()
    let port: Int

    /// Starts `executable` and waits until 127.0.0.1:`port` (or `unixSocket`) accepts connections.
    init(_ executable: String, _ arguments: [String], port: Int, unixSocket: String? = nil) throws {
        self.port = port
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if let unixSocket, FileManager.default.fileExists(atPath: unixSocket) { return }
            if unixSocket == nil, Self.accepts(port) { return }
            usleep(50_000)
        }
        process.terminate()
        throw TestServerError(message: "\(executable) did not start listening")
    }

    deinit {
        // Foundation reaps the child; waitUntilExit's run loop can hang off the main thread on Linux.
        kill(process.processIdentifier, SIGKILL)
    }

    /// `openssl s_server` answering `GET /` with its status page (`-www`), over TLS on 127.0.0.1.
    static func tls(certificate: String, key: String, requireClientCA: String? = nil) throws -> TestServer {
        let port = DockerTestShell.freePort()
        var arguments = [
            "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-quiet",
        ]
        if let requireClientCA { arguments += ["-Verify", "1", "-CAfile", requireClientCA] }
        return try TestServer("/usr/bin/openssl", arguments, port: port)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
