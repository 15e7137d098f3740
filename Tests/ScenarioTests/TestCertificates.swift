import Foundation
import JujuKit

/// A CA and a server certificate made with `openssl` for tests.
struct TestCertificates {
    var caPEM: String
    var certificatePEM: String
    var keyPEM: String
    var otherKeyPEM: String

    /// The SANs of the server certificate: loopback and the scenario unit's addresses.
    static let defaultSANs = "IP:127.0.0.1,DNS:localhost,IP:10.0.0.5,IP:10.0.0.6"

    /// Makes a fresh CA and a server pair for `127.0.0.1` (and `sans`) valid for a year from today.
    static func make(sans: String = defaultSANs) throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func openssl(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = directory
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw NSError(domain: "openssl", code: Int(process.terminationStatus))
            }
        }
        try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "365",
            "-subj", "/CN=test-ca",
        ])
        try openssl([
            "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
            "/CN=127.0.0.1",
        ])
        try "subjectAltName=\(sans)\n".write(
            to: directory.appendingPathComponent("san.ext"),
            atomically: true,
            encoding: .utf8
        )
        try openssl([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
            "server.crt", "-days", "365", "-extfile", "san.ext",
        ])
        try openssl(["genrsa", "-out", "other.key", "2048"])
        func read(_ name: String) throws -> String {
            try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        }
        return TestCertificates(
            caPEM: try read("ca.crt"),
            certificatePEM: try read("server.crt"),
            keyPEM: try read("server.key"),
            otherKeyPEM: try read("other.key")
        )
    }
}

extension String {
    /// The string's UTF-8 bytes in base64, as `tls-*-blob` options take them.
    var base64: String { Data(utf8).base64EncodedString() }
}

extension TestCertificates {
    /// The `tls-*-blob` options for this pair, with the CA when `withCA`, and `key` instead of the matching key.
    func blobs(withCA: Bool = false, key: String? = nil) -> [String: JSONValue] {
        var options: [String: JSONValue] = [
            "tls-cert-blob": .string(certificatePEM.base64), "tls-key-blob": .string((key ?? keyPEM).base64),
        ]
        if withCA { options["tls-ca-blob"] = .string(caPEM.base64) }
        return options
    }
}
