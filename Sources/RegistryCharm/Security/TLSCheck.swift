public import FoundationEssentials

/// Checks TLS material before the registry is pointed at it.
public enum TLSCheck {
    /// Every problem with the certificate (chain allowed, leaf first), the key and the CA, as lower-case sentences;
    /// empty when the material is usable.
    ///
    /// Checked: each PEM text parses (RSA and EC keys; PKCS#1, SEC1 and PKCS#8), the key matches the leaf's public
    /// key, the leaf is valid at `now` (`notBefore ≤ now < notAfter`), and the CA (if given) parses. The CA is not
    /// required to have issued the certificate: the registry uses it to verify clients.
    public static func problems(certificatePEM: [UInt8], keyPEM: [UInt8], caPEM: [UInt8]?, now: Date) -> [String] {
        errors(certificatePEM: certificatePEM, keyPEM: keyPEM, caPEM: caPEM, now: now).map(\.description)
    }

    /// The same checks as ``problems(certificatePEM:keyPEM:caPEM:now:)``, as typed errors.
    public static func errors(certificatePEM: [UInt8], keyPEM: [UInt8], caPEM: [UInt8]?, now: Date) -> [TLSError] {
        var errors: [TLSError] = []
        let certificates = collect(&errors) { () throws(TLSError) in
            try TLSMaterial.certificates(in: certificatePEM, empty: .noCertificate) {
                .unreadableCertificate(index: $0)
            }
        }
        let key = collect(&errors) { () throws(TLSError) in try TLSMaterial.privateKey(in: keyPEM) }
        if let certificates, let key {
            let material = TLSMaterial(certificates: certificates, privateKey: key, caCertificates: nil)
            if let problem = material.keyProblem { errors.append(problem) }
        }
        if let leaf = certificates?.first, let problem = TLSMaterial.validityProblem(of: leaf, at: now) {
            errors.append(problem)
        }
        if let caPEM {
            _ = collect(&errors) { () throws(TLSError) in
                try TLSMaterial.certificates(in: caPEM, empty: .noCACertificate) { .unreadableCACertificate(index: $0) }
            }
        }
        return errors
    }

    private static func collect<T>(_ errors: inout [TLSError], _ body: () throws(TLSError) -> T) -> T? {
        do {
            return try body()
        } catch {
            errors.append(error)
            return nil
        }
    }
}
