import JujuKit

/// A CA, a server certificate and its key, as PEM.
struct CertificateBundle: Equatable {
    /// The CA that signed the certificate; clients verify the registry with it, and it verifies clients.
    var ca: [UInt8]
    /// The server certificate.
    var certificate: [UInt8]
    /// The private key (secret).
    var key: [UInt8]
}

/// What the `cert-provider` relation has given this unit so far.
enum CertificateReceipt: Equatable {
    /// There is no cert-provider relation.
    case notRelated
    /// Related, but nothing for this unit's request yet.
    case waiting
    /// Some of the CA, certificate and key are there, not all: nothing is applied.
    case incomplete(missing: [String])
    /// Everything is there, but the certificate cannot be used (the problems, in words).
    case unusable(problems: [String])
    /// A usable CA, certificate and key.
    case complete(CertificateBundle)

    /// Reads the provider's answer from its units' databags (the first unit with a key wins, as charms.reactive's
    /// combined view does).
    ///
    /// The certificate for `commonName` is under `<unitKey>.server.cert`/`.server.key` when `commonName` is the one
    /// published in `common_name`, else in the JSON map `<unitKey>.processed_requests`.
    static func read(
        providerBags: [[String: String]],
        unitKey: String,
        commonName: String,
        publishedCommonName: String?,
        check: ([UInt8], [UInt8], [UInt8]) async -> [String]
    ) async -> CertificateReceipt {
        func value(_ key: String) -> String? {
            providerBags.lazy.compactMap { $0[key] }.first { !$0.isEmpty }
        }
        var certificate: String?
        var key: String?
        if publishedCommonName == nil || publishedCommonName == commonName {
            certificate = value("\(unitKey).server.cert")
            key = value("\(unitKey).server.key")
        }
        if certificate == nil || key == nil, let processed = value("\(unitKey).processed_requests"),
            let requests = (try? JSONValue(parsing: processed))?.objectValue({ $0.objectValue(\.stringValue) }),
            let entry = requests[commonName]
        {
            certificate = entry["cert"].flatMap { $0.isEmpty ? nil : $0 }
            key = entry["key"].flatMap { $0.isEmpty ? nil : $0 }
        }
        let ca = value("ca")
        let missing = [("ca", ca), ("certificate", certificate), ("key", key)].filter { $0.1 == nil }.map(\.0)
        if missing.count == 3 || (missing.count == 2 && ca != nil) { return .waiting }
        guard let ca, let certificate, let key else { return .incomplete(missing: missing) }
        let bundle = CertificateBundle(
            ca: Array(Self.withNewline(ca).utf8),
            certificate: Array(Self.withNewline(certificate).utf8),
            key: Array(Self.withNewline(key).utf8)
        )
        let problems = await check(bundle.certificate, bundle.key, bundle.ca)
        return problems.isEmpty ? .complete(bundle) : .unusable(problems: problems)
    }

    private static func withNewline(_ pem: String) -> String {
        pem.hasSuffix("\n") ? pem : pem + "\n"
    }
}
