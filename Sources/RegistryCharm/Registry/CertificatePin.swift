import FoundationEssentials
import NIOCore
import NIOSSL
import SwiftASN1
import Synchronization
import X509

/// What a pinned handshake found, for the error message: set when the server presented neither the pinned
/// certificate nor one that chains to the trusted CAs.
final class PinVerdict: Sendable {
    /// Why the server's certificate was refused, if it was.
    let mismatch = Mutex<String?>(nil)
    /// Whether the server's certificate was accepted (so a handshake that fails after it was refused by the server,
    /// typically for the client certificate).
    let accepted = Mutex(false)
}

/// Accepts the exact certificate the charm serves (pinned), or any certificate that chains to the trusted CAs.
///
/// A verifier accepts a leaf as a trust anchor only when it is self-signed, so trusting the served certificate as a
/// root fails for a certificate signed by a CA the charm was not given; comparing the presented leaf with the
/// pinned one byte for byte accepts exactly what the charm wrote, whoever signed it.
struct CertificatePin: Sendable {
    /// The DER bytes of the pinned certificate.
    let pinnedDER: [UInt8]
    /// The CAs another leaf must chain to (may be empty: then only the pinned leaf is accepted).
    let roots: [Certificate]
    let verdict: PinVerdict

    /// The pin for `tls`, or `nil` when it pins nothing.
    init?(tls: RegistryEndpoint.TLS, verdict: PinVerdict) throws {
        guard let pinnedPEM = tls.pinnedPEM else { return nil }
        guard let pinned = try NIOSSLCertificate.fromPEMBytes(pinnedPEM).first else {
            throw RegistryClientError.unreadable(request: "the pinned certificate", reason: "it holds no certificate")
        }
        pinnedDER = try pinned.toDERBytes()
        roots =
            tls.trustedPEM.isEmpty
            ? []
            : try NIOSSLCertificate.fromPEMBytes(tls.trustedPEM).map { try Certificate(derEncoded: $0.toDERBytes()) }
        self.verdict = verdict
    }

    /// NIOSSL's custom verification: the pinned leaf passes at once; another leaf is verified against ``roots``.
    func verify(_ chain: [NIOSSLCertificate], _ promise: EventLoopPromise<NIOSSLVerificationResult>) {
        guard let leaf = chain.first, let leafDER = try? leaf.toDERBytes() else {
            refuse("the registry presented no certificate", promise)
            return
        }
        if leafDER == pinnedDER {
            verdict.accepted.withLock { $0 = true }
            promise.succeed(.certificateVerified)
            return
        }
        guard !roots.isEmpty,
            let certificate = try? Certificate(derEncoded: leafDER),
            let intermediates = try? chain.dropFirst().map({ try Certificate(derEncoded: $0.toDERBytes()) })
        else {
            refuse("the registry presents another certificate than the one the charm serves", promise)
            return
        }
        let roots = self.roots
        Task {
            var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
                RFC5280Policy(validationTime: Date())
            }
            let result = await verifier.validate(
                leaf: certificate,
                intermediates: CertificateStore(intermediates)
            )
            switch result {
            case .validCertificate:
                verdict.accepted.withLock { $0 = true }
                promise.succeed(.certificateVerified)
            case .couldNotValidate:
                refuse(
                    "the registry presents a certificate that is neither the one the charm serves nor signed by"
                        + " the configured CA",
                    promise
                )
            }
        }
    }

    private func refuse(_ reason: String, _ promise: EventLoopPromise<NIOSSLVerificationResult>) {
        verdict.mismatch.withLock { $0 = reason }
        promise.succeed(.failed)
    }
}
