import COpenSSL
public import FoundationEssentials

/// Verifies that a certificate chains to trusted roots, with the system's libcrypto (`X509_verify_cert`).
public enum ChainVerifier {
    /// Why a chain did not verify.
    public struct Failure: Error, Equatable, Sendable {
        /// OpenSSL's verification result (`X509_V_ERR_…`).
        public var code: Int32
        /// OpenSSL's words for it, such as `unable to get local issuer certificate`.
        public var reason: String

        /// Whether the chain failed because no certificate of it is signed by a trusted root (rather than for a
        /// date, a purpose or a constraint).
        public var isUntrustedIssuer: Bool {
            [
                X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_CERT_SIGNATURE_FAILURE,
            ].contains(code)
        }
    }

    /// Why `leaf` (with `intermediates`, in any order) does not chain to one of `roots` at `time`; `nil` when it does.
    ///
    /// - Parameter sslServer: also require the chain to be fit for a TLS server (extended key usage `serverAuth`
    ///   where the certificates restrict it), as a client such as containerd does.
    public static func problem(
        leaf: X509Certificate,
        intermediates: [X509Certificate],
        roots: [X509Certificate],
        at time: Date,
        sslServer: Bool
    ) -> Failure? {
        defer { OpenSSLErrorQueue.drain() }
        guard let store = X509_STORE_new() else { return Failure(code: -1, reason: "cannot make a certificate store") }
        defer { X509_STORE_free(store) }
        for root in roots where X509_STORE_add_cert(store, root.pointer) != 1 {
            // A root given twice is refused as a duplicate on OpenSSL 3.0.2; the first copy serves.
            OpenSSLErrorQueue.drain()
        }
        guard let untrusted = charm_sk_X509_new_null() else {
            return Failure(code: -1, reason: "cannot make a certificate list")
        }
        defer { charm_sk_X509_free(untrusted) }
        for certificate in intermediates { _ = charm_sk_X509_push(untrusted, certificate.pointer) }
        guard let context = X509_STORE_CTX_new() else {
            return Failure(code: -1, reason: "cannot make a verification context")
        }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf.pointer, untrusted) == 1 else {
            return Failure(code: -1, reason: OpenSSLErrorQueue.drain() ?? "cannot start the verification")
        }
        X509_STORE_CTX_set_time(context, 0, time_t(time.timeIntervalSince1970.rounded(.down)))
        if sslServer { _ = X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER) }
        if X509_verify_cert(context) == 1 { return nil }
        let code = X509_STORE_CTX_get_error(context)
        return Failure(code: code, reason: reason(code))
    }

    /// OpenSSL's text for a verification result code (`X509_V_ERR_…`).
    public static func reason(_ code: Int32) -> String {
        guard let text = X509_verify_cert_error_string(Int(code)) else { return "verification error \(code)" }
        return String(cString: text)
    }
}
