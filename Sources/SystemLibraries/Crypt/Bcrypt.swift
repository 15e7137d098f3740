import CCrypt

#if canImport(Glibc)
    import Glibc
#endif

/// bcrypt from the system's libxcrypt (`libcrypt.so.1`): `$2b$` hashes made, `$2b$`, `$2y$` and `$2a$` verified.
public enum Bcrypt {
    /// A fresh `$2b$` hash of `password` at `cost` (2^cost rounds), salted with random bytes libxcrypt reads from
    /// the kernel.
    ///
    /// - Throws: ``CryptError`` when libxcrypt refuses (a cost outside 4…31, no randomness); never with the
    ///   password.
    public static func hash(_ password: String, cost: Int) throws(CryptError) -> String {
        var setting = [CChar](repeating: 0, count: Int(CRYPT_GENSALT_OUTPUT_SIZE))
        errno = 0
        guard crypt_gensalt_rn("$2b$", UInt(cost), nil, 0, &setting, Int32(setting.count)) != nil else {
            throw .failed(operation: "making a bcrypt salt", code: errno)
        }
        guard let hash = crypt(password, setting: setting) else {
            throw .failed(operation: "hashing a password with bcrypt", code: errno)
        }
        return hash
    }

    /// Whether `hash` (a bcrypt hash, `$2b$`, `$2y$` or `$2a$`) is one of `password`; compared in constant time.
    public static func verify(_ password: String, hash: String) -> Bool {
        guard hash.hasPrefix("$2"), let computed = hash.withCString({ crypt(password, setting: $0) }) else {
            return false
        }
        let expected = Array(hash.utf8)
        let actual = Array(computed.utf8)
        guard expected.count == actual.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(expected, actual) { difference |= left ^ right }
        return difference == 0
    }

    /// `crypt_rn` with a zeroed `struct crypt_data` (over 32 KiB: allocated, not on the stack); `nil` on failure.
    private static func crypt(_ password: String, setting: UnsafePointer<CChar>) -> String? {
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: MemoryLayout<crypt_data>.alignment)
        defer {
            // The work area held the password's key schedule.
            data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
            data.deallocate()
        }
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        guard let result = crypt_rn(password, setting, data, Int32(size)) else { return nil }
        let text = String(cString: result)
        // A failure token starts with '*'.
        return text.hasPrefix("*") ? nil : text
    }
}

/// libxcrypt refused a call.
public enum CryptError: Error, Equatable, CustomStringConvertible {
    /// `operation` failed with `errno` `code` (`EINVAL` for a bad cost or setting).
    case failed(operation: String, code: Int32)

    /// A lower-case sentence.
    public var description: String {
        switch self {
        case .failed(let operation, let code):
            let reason = strerror(code).map { String(cString: $0) } ?? "errno \(code)"
            return "\(operation) failed: \(reason.lowercased())"
        }
    }
}
