import Foundation
import RegistryCharm
import RegistryCharmTesting
import Testing

/// Certificate and key checks, on material made by the real openssl (and easy-rsa when installed).
@Suite("TLS material")
struct TLSCheckTests {
    /// A certificate and key pair written by openssl into a temporary directory.
    struct Pair {
        var certificate: [UInt8]
        var key: [UInt8]
        var directory: String
    }

    static let openssl = "/usr/bin/openssl"

    /// A self-signed certificate valid for a day, with its key in PKCS#8 (`BEGIN PRIVATE KEY`).
    static func selfSigned(_ keyType: [String], name: String = "registry") async throws -> Pair {
        let directory = try DockerTestShell.temporaryDirectory("tls")
        try await DockerTestShell.run(
            openssl,
            ["req", "-x509", "-newkey"] + keyType + [
                "-nodes", "-keyout", "\(directory)/key.pem", "-out", "\(directory)/cert.pem", "-days", "1",
                "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1",
            ]
        )
        return Pair(
            certificate: try DockerTestShell.bytes("\(directory)/cert.pem"),
            key: try DockerTestShell.bytes("\(directory)/key.pem"),
            directory: directory
        )
    }

    static func rsa() async throws -> Pair { try await selfSigned(["rsa:2048"]) }
    static func ec() async throws -> Pair { try await selfSigned(["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) }

    static func check(_ certificate: [UInt8], _ key: [UInt8], ca: [UInt8]? = nil, now: Date = Date()) -> [String] {
        TLSCheck.problems(certificatePEM: certificate, keyPEM: key, caPEM: ca, now: now)
    }

    static func pem(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("an RSA 2048 pair with a PKCS#8 key is accepted")
    func rsaPKCS8() async throws {
        let pair = try await Self.rsa()
        #expect(Self.pem(pair.key).contains("BEGIN PRIVATE KEY"))
        #expect(Self.check(pair.certificate, pair.key) == [])
        let material = try TLSMaterial(certificatePEM: pair.certificate, keyPEM: pair.key, caPEM: nil)
        #expect(material.keyMatchesLeaf && material.certificates.count == 1)
    }

    @Test("an RSA key in PKCS#1 (BEGIN RSA PRIVATE KEY) is accepted")
    func rsaPKCS1() async throws {
        let pair = try await Self.rsa()
        let path = "\(pair.directory)/key-pkcs1.pem"
        try await DockerTestShell.run(
            Self.openssl,
            ["rsa", "-in", "\(pair.directory)/key.pem", "-traditional", "-out", path]
        )
        let key = try DockerTestShell.bytes(path)
        #expect(Self.pem(key).contains("BEGIN RSA PRIVATE KEY"))
        #expect(Self.check(pair.certificate, key) == [])
    }

    @Test("an EC P-256 pair is accepted, as PKCS#8 and as SEC1 after an EC PARAMETERS block")
    func ecKeys() async throws {
        let pair = try await Self.ec()
        #expect(Self.check(pair.certificate, pair.key) == [])
        let sec1 = try await DockerTestShell.run(Self.openssl, ["ec", "-in", "\(pair.directory)/key.pem"])
        let parameters = try await DockerTestShell.run(Self.openssl, ["ecparam", "-name", "prime256v1"])
        #expect(sec1.contains("BEGIN EC PRIVATE KEY") && parameters.contains("BEGIN EC PARAMETERS"))
        #expect(Self.check(pair.certificate, Array((parameters + sec1).utf8)) == [])
    }

    @Test("a key from another pair is reported as not matching")
    func mismatch() async throws {
        let first = try await Self.rsa()
        let second = try await Self.rsa()
        #expect(Self.check(first.certificate, second.key) == ["the key does not match the certificate"])
        let material = try TLSMaterial(certificatePEM: first.certificate, keyPEM: second.key, caPEM: nil)
        #expect(!material.keyMatchesLeaf && material.keyProblem == .keyMismatch)
        let ec = try await Self.ec()
        #expect(Self.check(first.certificate, ec.key) == ["the key does not match the certificate"])
    }

    @Test("a certificate past its end is expired; one before its start is not yet valid (injected clock)")
    func validityWindow() async throws {
        let pair = try await Self.rsa()
        let material = try TLSMaterial(certificatePEM: pair.certificate, keyPEM: pair.key, caPEM: nil)
        let notAfter = material.notValidAfter
        let notBefore = material.notValidBefore
        #expect(
            Self.check(pair.certificate, pair.key, now: notAfter) == [
                "the certificate expired on \(UTCTime.format(notAfter))"
            ]
        )
        #expect(Self.check(pair.certificate, pair.key, now: notAfter.addingTimeInterval(-1)) == [])
        #expect(Self.check(pair.certificate, pair.key, now: notBefore) == [])
        #expect(
            Self.check(pair.certificate, pair.key, now: notBefore.addingTimeInterval(-1))
                == ["the certificate is not valid before \(UTCTime.format(notBefore))"]
        )
    }

    @Test("a certificate openssl issued for 2020-01-01…2020-01-02 is reported expired, with its date")
    func realExpiredCertificate() async throws {
        let directory = try DockerTestShell.temporaryDirectory("tls-expired")
        try DockerTestShell.write(
            """
            [ ca ]
            default_ca = test
            [ test ]
            dir = \(directory)
            database = \(directory)/index.txt
            new_certs_dir = \(directory)
            serial = \(directory)/serial
            default_md = sha256
            policy = any
            [ any ]
            commonName = supplied

            """,
            to: "\(directory)/ca.cnf"
        )
        try DockerTestShell.write("", to: "\(directory)/index.txt")
        try DockerTestShell.write("01\n", to: "\(directory)/serial")
        try await DockerTestShell.run(
            Self.openssl,
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/ca.key", "-out",
                "\(directory)/ca.crt", "-days", "30", "-subj", "/CN=test-ca",
            ]
        )
        try await DockerTestShell.run(
            Self.openssl,
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/old.key", "-out",
                "\(directory)/old.csr",
                "-subj", "/CN=old",
            ]
        )
        try await DockerTestShell.run(
            Self.openssl,
            [
                "ca", "-batch", "-config", "\(directory)/ca.cnf", "-cert", "\(directory)/ca.crt", "-keyfile",
                "\(directory)/ca.key", "-in", "\(directory)/old.csr", "-out", "\(directory)/old.crt",
                "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext",
            ]
        )
        let problems = Self.check(
            try DockerTestShell.bytes("\(directory)/old.crt"),
            try DockerTestShell.bytes("\(directory)/old.key"),
            ca: try DockerTestShell.bytes("\(directory)/ca.crt")
        )
        #expect(problems == ["the certificate expired on 2020-01-02 00:00:00 UTC"])
    }

    @Test("a chain is accepted leaf first; a key matching a later certificate says to reorder")
    func chainOrder() async throws {
        let leaf = try await Self.rsa()
        let other = try await Self.ec()
        let chain = leaf.certificate + other.certificate
        #expect(Self.check(chain, leaf.key) == [])
        let reversed = other.certificate + leaf.certificate
        #expect(
            Self.check(reversed, leaf.key)
                == ["the key matches certificate 2 of the chain, not the first: put the server certificate first"]
        )
    }

    @Test("an encrypted key is refused with a reason")
    func encryptedKey() async throws {
        let pair = try await Self.rsa()
        let encrypted = try await DockerTestShell.run(
            Self.openssl,
            ["pkcs8", "-topk8", "-in", "\(pair.directory)/key.pem", "-v2", "aes-256-cbc", "-passout", "pass:test-only"]
        )
        #expect(
            Self.check(pair.certificate, Array(encrypted.utf8)) == [
                "the key is encrypted; the registry needs an unencrypted key"
            ]
        )
    }

    @Test("missing or broken PEM is named: every problem is listed at once")
    func brokenInput() async throws {
        let pair = try await Self.rsa()
        #expect(
            Self.check(Array("nothing here".utf8), Array("".utf8), ca: Array("junk".utf8)) == [
                "the certificate holds no PEM certificate (BEGIN CERTIFICATE)",
                "the key holds no PEM private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                "the CA holds no PEM certificate (BEGIN CERTIFICATE)",
            ]
        )
        let corrupt = Array("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)
        #expect(Self.check(corrupt, pair.key) == ["certificate 1 of the certificate file cannot be parsed"])
        #expect(
            Self.check(pair.certificate, pair.key, ca: pair.certificate + corrupt) == [
                "certificate 2 of the CA cannot be parsed"
            ]
        )
        let badKey = Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)
        #expect(
            Self.check(pair.certificate, badKey) == [
                "the key (PRIVATE KEY) cannot be parsed; RSA keys need at least 2048 bits"
            ]
        )
    }

    @Test("text around PEM blocks (openssl -text output, Windows line ends) is ignored")
    func surroundingText() async throws {
        let pair = try await Self.rsa()
        let text =
            "Certificate:\n    Data: ...\n" + Self.pem(pair.certificate).replacingOccurrences(of: "\n", with: "\r\n")
        #expect(Self.check(Array(text.utf8), pair.key) == [])
    }

    @Test(
        "real easy-rsa output (build-ca, build-server-full) passes",
        .enabled(if: FileManager.default.fileExists(atPath: "/usr/share/easy-rsa/easyrsa"))
    )
    func easyRSA() async throws {
        let directory = try DockerTestShell.temporaryDirectory("easyrsa")
        let pki = "\(directory)/pki"
        let environment = ["EASYRSA_BATCH": "1", "EASYRSA_PKI": pki, "EASYRSA_REQ_CN": "test-ca"]
        let easyrsa = "/usr/share/easy-rsa/easyrsa"
        try await DockerTestShell.run(easyrsa, ["init-pki"], environment: environment)
        try await DockerTestShell.run(easyrsa, ["build-ca", "nopass"], environment: environment)
        try await DockerTestShell.run(
            easyrsa,
            ["--subject-alt-name=IP:127.0.0.1", "build-server-full", "registry", "nopass"],
            environment: environment.filter { $0.key != "EASYRSA_REQ_CN" }
        )
        let certificate = try DockerTestShell.bytes("\(pki)/issued/registry.crt")
        let key = try DockerTestShell.bytes("\(pki)/private/registry.key")
        let ca = try DockerTestShell.bytes("\(pki)/ca.crt")
        #expect(Self.check(certificate, key, ca: ca) == [])
        let wrongKey = try DockerTestShell.bytes("\(pki)/private/ca.key")
        #expect(Self.check(certificate, wrongKey, ca: ca) == ["the key does not match the certificate"])
    }

    @Test("dates are formatted in UTC without Foundation's formatters")
    func dateFormat() {
        #expect(UTCTime.format(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00 UTC")
        #expect(UTCTime.format(Date(timeIntervalSince1970: 1_709_210_096)) == "2024-02-29 12:34:56 UTC")
        #expect(UTCTime.format(Date(timeIntervalSince1970: 1_767_225_599.9)) == "2025-12-31 23:59:59 UTC")
        #expect(UTCTime.format(Date(timeIntervalSince1970: -1)) == "1969-12-31 23:59:59 UTC")
    }
}
