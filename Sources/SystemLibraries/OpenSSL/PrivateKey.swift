import COpenSSL

/// A private key, parsed by the system's libcrypto (RSA or EC; PKCS#1, SEC1 or PKCS#8 PEM).
public final class PrivateKey: @unchecked Sendable {
    // Read-only after init.
    let pointer: OpaquePointer

    /// The kinds of key the charm tells apart.
    public enum Kind: Equatable, Sendable {
        /// An RSA key of this many bits.
        case rsa(bits: Int)
        /// An elliptic-curve key of this many bits.
        case ec(bits: Int)
        /// Another algorithm (Ed25519, DSA, …), by OpenSSL's short name.
        case other(String)
    }

    /// Parses the first PEM private key of `pem`.
    ///
    /// An encrypted key is refused without asking for a passphrase.
    public init(pem: [UInt8]) throws(OpenSSLError) {
        pointer = try withMemoryBIO(pem, operation: "reading a PEM private key") { bio throws(OpenSSLError) in
            // The callback gives no passphrase, so an encrypted key fails instead of prompting on a terminal.
            guard let key = PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil) else {
                throw .drained("reading a PEM private key")
            }
            return key
        }
        OpenSSLErrorQueue.drain()
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// The key's algorithm and size.
    public var kind: Kind {
        let bits = Int(EVP_PKEY_get_bits(pointer))
        switch EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_RSA: return .rsa(bits: bits)
        case EVP_PKEY_EC: return .ec(bits: bits)
        case let id:
            guard let name = OBJ_nid2sn(id) else { return .other("unknown") }
            return .other(String(cString: name))
        }
    }
}
