public import FoundationEssentials
public import SystemLibraries

/// A server certificate (with its chain), its private key, and an optional CA bundle, parsed from PEM.
public struct TLSMaterial: Sendable {
    /// The certificates of the certificate file, leaf (the server's own) first.
    public var certificates: [X509Certificate]
    /// The private key.
    public var privateKey: PrivateKey
    /// The certificates of the CA bundle, if one was given.
    public var caCertificates: [X509Certificate]?

    /// The server certificate: the first of ``certificates``.
    public var leaf: X509Certificate {
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

    /// When the first certificate of `certificatePEM` expires, or `nil` when it holds none that parses.
    static func leafExpiry(ofCertificatePEM certificatePEM: [UInt8]) -> Date? {
        let certificates = try? Self.certificates(in: certificatePEM, empty: .noCertificate) {
            .unreadableCertificate(index: $0)
        }
        return certificates?.first?.notValidAfter
    }

    /// Wraps parsed parts; `certificates` must not be empty.
    init(certificates: [X509Certificate], privateKey: PrivateKey, caCertificates: [X509Certificate]?) {
        self.certificates = certificates
        self.privateKey = privateKey
        self.caCertificates = caCertificates
    }

    /// Whether the key is the leaf certificate's.
    public var keyMatchesLeaf: Bool { leaf.isPublicKey(of: privateKey) }

    /// Why the key does not fit, or `nil` when it is the leaf's.
    public var keyProblem: TLSError? {
        if keyMatchesLeaf { return nil }
        if let index = certificates.firstIndex(where: { $0.isPublicKey(of: privateKey) }) {
            return .keyMatchesLaterCertificate(index: index + 1)
        }
        return .keyMismatch
    }

    /// Why the leaf is not valid at `now` (`notBefore ≤ now < notAfter`), or `nil` when it is.
    public func validityProblem(at now: Date) -> TLSError? {
        Self.validityProblem(of: leaf, at: now)
    }

    static func validityProblem(of certificate: X509Certificate, at now: Date) -> TLSError? {
        if now < certificate.notValidBefore { return .notYetValid(notBefore: certificate.notValidBefore) }
        if now >= certificate.notValidAfter { return .expired(notAfter: certificate.notValidAfter) }
        return nil
    }

    // MARK: - Parsing

    static func certificates(
        in pem: [UInt8],
        empty: TLSError,
        unreadable: (Int) -> TLSError
    ) throws(TLSError) -> [X509Certificate] {
        let blocks = PEMBlock.blocks(in: String(decoding: pem, as: UTF8.self)).filter { $0.label == "CERTIFICATE" }
        guard !blocks.isEmpty else { throw empty }
        var certificates: [X509Certificate] = []
        for (offset, block) in blocks.enumerated() {
            guard let certificate = try? X509Certificate(pem: Array(block.text.utf8)) else {
                throw unreadable(offset + 1)
            }
            certificates.append(certificate)
        }
        return certificates
    }

    /// The first private key of `pem`: RSA of at least 2048 bits, or EC (PKCS#1, SEC1 or PKCS#8).
    static func privateKey(in pem: [UInt8]) throws(TLSError) -> PrivateKey {
        let blocks = PEMBlock.blocks(in: String(decoding: pem, as: UTF8.self))
        guard let block = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else { throw .noKey }
        if block.label == "ENCRYPTED PRIVATE KEY" || block.text.contains("Proc-Type: 4,ENCRYPTED") {
            throw .encryptedKey
        }
        guard let key = try? PrivateKey(pem: Array(block.text.utf8)) else { throw .unreadableKey(label: block.label) }
        switch key.kind {
        case .rsa(let bits) where bits >= 2048: return key
        case .ec: return key
        case .rsa, .other: throw .unreadableKey(label: block.label)
        }
    }
}
