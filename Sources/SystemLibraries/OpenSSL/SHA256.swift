import COpenSSL

/// SHA-256 and HMAC-SHA256 from the system's libcrypto.
public enum SHA256 {
    /// The digest of `bytes` (32 bytes).
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// The lower-case hex digest of `bytes` (64 characters).
    public static func hex(_ bytes: [UInt8]) -> String {
        HexText.lowerCase(hash(bytes))
    }

    /// HMAC-SHA256 of `message` under `key` (32 bytes).
    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var code = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                HMAC(
                    EVP_sha256(),
                    keyBytes.baseAddress,
                    Int32(keyBytes.count),
                    messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    messageBytes.count,
                    &code,
                    &length
                )
            }
        }
        // HMAC with SHA-256 fails only when memory runs out.
        precondition(done != nil && length == 32, "HMAC-SHA256 failed: \(OpenSSLErrorQueue.drain() ?? "no reason")")
        return Array(code.prefix(Int(length)))
    }
}

/// A SHA-256 computed over bytes that arrive in pieces (a blob read from disk or the network).
public struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    /// Starts a digest.
    public init() {
        // Allocation and initialisation of a built-in digest fail only when memory runs out.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            preconditionFailure("cannot start a SHA-256 digest: \(OpenSSLErrorQueue.drain() ?? "no reason")")
        }
        self.context = context
    }

    /// Adds `bytes`.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Adds the bytes of `buffer`.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
    }

    /// The digest of everything added (32 bytes); the hasher cannot be used after.
    public consuming func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    deinit {
        EVP_MD_CTX_free(context)
    }
}

/// Bytes as text.
public enum HexText {
    /// `bytes` as lower-case hex, two digits a byte.
    public static func lowerCase(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        var text = ""
        for byte in bytes {
            text.unicodeScalars.append(digits[Int(byte >> 4)])
            text.unicodeScalars.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
