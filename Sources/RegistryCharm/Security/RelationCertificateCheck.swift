import FoundationEssentials
import SystemLibraries

/// Checks a certificate from the `cert-provider` relation the way a client will use it, before it is applied.
///
/// Beyond ``TLSCheck`` (parses, key matches, in date): each PEM text is of a sane size, the certificate chains to
/// the CA the provider sent (which the charm publishes to clients and uses to verify client certificates), and it
/// covers the host clients are given. A certificate that fails any of these is not applied: the last good one keeps
/// serving and the status says why.
enum RelationCertificateCheck {
    /// The largest certificate, key or CA text accepted (a chain of a few certificates is a few kB).
    static let maximumBytes = 65_536

    /// Every problem, as lower-case sentences; empty when clients trusting `caPEM` can reach `clientHost` with it.
    static func problems(
        certificatePEM: [UInt8],
        keyPEM: [UInt8],
        caPEM: [UInt8],
        clientHost: String,
        now: Date
    ) -> [String] {
        let oversized = [("certificate", certificatePEM), ("key", keyPEM), ("CA", caPEM)].filter {
            $0.1.count > maximumBytes
        }
        guard oversized.isEmpty else {
            return oversized.map { "the \($0.0) is \($0.1.count) bytes; at most \(maximumBytes) are accepted" }
        }
        let basic = TLSCheck.problems(certificatePEM: certificatePEM, keyPEM: keyPEM, caPEM: caPEM, now: now)
        guard basic.isEmpty,
            let chain = try? TLSMaterial.certificates(
                in: certificatePEM,
                empty: .noCertificate,
                unreadable: {
                    .unreadableCertificate(index: $0)
                }
            ),
            let roots = try? TLSMaterial.certificates(
                in: caPEM,
                empty: .noCACertificate,
                unreadable: {
                    .unreadableCACertificate(index: $0)
                }
            ),
            let leaf = chain.first
        else { return basic }
        if let failure = ChainVerifier.problem(
            leaf: leaf,
            intermediates: Array(chain.dropFirst()),
            roots: roots,
            at: now,
            sslServer: true
        ) {
            return [
                failure.isUntrustedIssuer
                    ? "the certificate is not signed by the CA cert-provider sent, so clients trusting that CA cannot"
                        + " connect"
                    : "the certificate does not verify against the CA cert-provider sent (\(failure.reason)), so"
                        + " clients trusting that CA cannot connect"
            ]
        }
        let isIP = HostAddress.isIPv4(clientHost) || HostAddress.isIPv6(clientHost)
        guard isIP ? leaf.covers(ipAddress: clientHost) : leaf.covers(hostName: clientHost) else {
            return ["the certificate does not cover \(clientHost), the address clients are given"]
        }
        return []
    }
}
