import COpenSSL
public import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One X.509 certificate, parsed by the system's libcrypto.
public final class X509Certificate: @unchecked Sendable {
    // Read-only after init: OpenSSL allows concurrent reads of an X509.
    let pointer: OpaquePointer

    /// Parses the first PEM `CERTIFICATE` block of `pem`.
    public init(pem: [UInt8]) throws(OpenSSLError) {
        pointer = try withMemoryBIO(pem, operation: "reading a PEM certificate") { bio throws(OpenSSLError) in
            guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else {
                throw .drained("reading a PEM certificate")
            }
            return certificate
        }
        OpenSSLErrorQueue.drain()
    }

    /// Parses DER bytes.
    public init(der: [UInt8]) throws(OpenSSLError) {
        pointer = try withMemoryBIO(der, operation: "reading a DER certificate") { bio throws(OpenSSLError) in
            guard let certificate = d2i_X509_bio(bio, nil) else { throw .drained("reading a DER certificate") }
            return certificate
        }
        OpenSSLErrorQueue.drain()
    }

    deinit {
        X509_free(pointer)
    }

    /// The certificate's DER encoding.
    public var der: [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(pointer, &output)
        guard length > 0, let output else { return [] }
        defer { CRYPTO_free(output, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// When the certificate becomes valid.
    public var notValidBefore: Date { Self.date(X509_get0_notBefore(pointer)) }

    /// When the certificate expires.
    public var notValidAfter: Date { Self.date(X509_get0_notAfter(pointer)) }

    /// Whether `key` is the private half of this certificate's public key.
    public func isPublicKey(of key: PrivateKey) -> Bool {
        guard let publicKey = X509_get0_pubkey(pointer) else { return false }
        let equal = EVP_PKEY_eq(publicKey, key.pointer) == 1
        OpenSSLErrorQueue.drain()
        return equal
    }

    /// Whether a DNS name in the subject alternative names covers `hostName` (wildcards as RFC 6125 allows).
    ///
    /// The subject's common name is never read, as Go clients (containerd, docker) do not read it either.
    public func covers(hostName: String) -> Bool {
        let covered =
            X509_check_host(pointer, hostName, hostName.utf8.count, UInt32(X509_CHECK_FLAG_NEVER_CHECK_SUBJECT), nil)
            == 1
        OpenSSLErrorQueue.drain()
        return covered
    }

    /// Whether an IP address in the subject alternative names is `address` (IPv4 or IPv6 text).
    public func covers(ipAddress address: String) -> Bool {
        let covered = X509_check_ip_asc(pointer, address, 0) == 1
        OpenSSLErrorQueue.drain()
        return covered
    }

    /// An ASN.1 time as a date; the epoch when OpenSSL cannot read it.
    static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            OpenSSLErrorQueue.drain()
            return Date(timeIntervalSince1970: 0)
        }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}
