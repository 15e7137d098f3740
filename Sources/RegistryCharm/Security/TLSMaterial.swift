public import FoundationEssentials
// `Certificate(pemEncoded:)` is declared by SwiftASN1 (PEMParseable), a dependency of X509.
import SwiftASN1
public import X509

/// A server certificate (with its chain), its private key, and an optional CA bundle, parsed from PEM.
public struct TLSMaterial: Sendable {
    /// The certificates of the certificate file, leaf (the server's own) first.
    public var certificates: [Certificate]
    /// The private key.
    public var privateKey: Certificate.PrivateKey
    /// The certificates of the CA bundle, if one was given.
    public var caCertificates: [Certificate]?

    /// The server certificate: the first of ``certificates``.
    public var leaf: Certificate {
        // `init` guarantees at least one certificate.
        certificates[certificates.startIndex]
    }

    /// Parses the three PEM texts; `caPEM` may be `nil` (no CA).
    ///
    /// - Throws: the first ``TLSError`` met; ``TLSCheck/problems(certificatePEM:keyPEM:caPEM:now:)`` lists them all.
    public init(certificatePEM: [UInt8], keyPEM: [UInt8], caPEM: [UInt8]?) throws(TLSError) {
        certificates = try Self.certificates(in: certificatePEM, empty: .noCertificate) {
            .unreadableCertificate(index: $0)
        }
        privateKey = try Self.privateKey(in: keyPEM)
        caCertificates = try caPEM.map { pem throws(TLSError) in
            try Self.certificates(in: pem, empty: .noCACertificate) { .unreadableCACertificate(index: $0) }
        }
    }

    /// When the server certificate becomes valid.
    public var notValidBefore: Date { leaf.notValidBefore }

    /// When the server certificate expires.
    public var notValidAfter: Date { leaf.notValidAfter }

    /// Wraps parsed parts; `certificates` must not be empty.
    init(certificates: [Certificate], privateKey: Certificate.PrivateKey, caCertificates: [Certificate]?) {
        self.certificates = certificates
        self.privateKey = privateKey
        self.caCertificates = caCertificates
    }

    /// Whether the key is the leaf certificate's.
    public var keyMatchesLeaf: Bool { privateKey.publicKey == leaf.publicKey }

    /// Why the key does not fit, or `nil` when it is the leaf's.
    public var keyProblem: TLSError? {
        if keyMatchesLeaf { return nil }
        if let index = certificates.firstIndex(where: { $0.publicKey == privateKey.publicKey }) {
            return .keyMatchesLaterCertificate(index: index + 1)
        }
        return .keyMismatch
    }

    /// Why the leaf is not valid at `now` (`notBefore ≤ now < notAfter`), or `nil` when it is.
    public func validityProblem(at now: Date) -> TLSError? {
        Self.validityProblem(of: leaf, at: now)
    }

    static func validityProblem(of certificate: Certificate, at now: Date) -> TLSError? {
        if now < certificate.notValidBefore { return .notYetValid(notBefore: certificate.notValidBefore) }
        if now >= certificate.notValidAfter { return .expired(notAfter: certificate.notValidAfter) }
        return nil
    }

    // MARK: - Parsing

    static func certificates(
        in pem: [UInt8],
        empty: TLSError,
        unreadable: (Int) -> TLSError
    ) throws(TLSError) -> [Certificate] {
        let blocks = PEMBlock.blocks(in: String(decoding: pem, as: UTF8.self)).filter { $0.label == "CERTIFICATE" }
        guard !blocks.isEmpty else { throw empty }
        var certificates: [Certificate] = []
        for (offset, block) in blocks.enumerated() {
            guard let certificate = try? Certificate(pemEncoded: block.text) else { throw unreadable(offset + 1) }
            certificates.append(certificate)
        }
        return certificates
    }

    static func privateKey(in pem: [UInt8]) throws(TLSError) -> Certificate.PrivateKey {
        let blocks = PEMBlock.blocks(in: String(decoding: pem, as: UTF8.self))
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else { throw .noKey }
        if block.label == "ENCRYPTED PRIVATE KEY" || block.text.contains("Proc-Type: 4,ENCRYPTED") {
            throw .encryptedKey
        }
        guard let key = try? Certificate.PrivateKey(pemEncoded: block.text) else {
            throw .unreadableKey(label: block.label)
        }
        return key
    }
}
