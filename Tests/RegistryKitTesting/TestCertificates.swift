public import Foundation

/// A private CA and a server certificate for 127.0.0.1 it signed, made by the real openssl.
public struct TestCertificates: Sendable {
    /// Where the files are.
    public let directory: String
    /// The CA's certificate (PEM).
    public var caCertificate: String { "\(directory)/ca.pem" }
    /// The server certificate (PEM), for 127.0.0.1 and localhost.
    public var serverCertificate: String { "\(directory)/server.pem" }
    /// The server's key (PEM).
    public var serverKey: String { "\(directory)/server.key" }
    /// A directory skopeo reads (`ca.crt`).
    public var certificateDirectory: String { "\(directory)/certs.d" }

    /// Makes a CA and a server certificate with openssl.
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
            toFile: "\(directory)/server.ext",
            atomically: true,
            encoding: .utf8
        )
        try openssl([
            "x509", "-req", "-in", "\(directory)/server.csr", "-CA", certificates.caCertificate, "-CAkey",
            "\(directory)/ca.key", "-CAcreateserial", "-out", certificates.serverCertificate, "-days", "1",
            "-extfile", "\(directory)/server.ext",
        ])
        try FileManager.default.createDirectory(
            atPath: certificates.certificateDirectory,
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            atPath: certificates.caCertificate,
            toPath: "\(certificates.certificateDirectory)/ca.crt"
        )
        return certificates
    }

    /// The CA's certificate bytes.
    public func caPEM() throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: caCertificate))) }
}
