import COpenSSL

/// A call into the system's OpenSSL that failed, with the reason OpenSSL queued for it.
public struct OpenSSLError: Error, Equatable, CustomStringConvertible {
    /// What was being done, such as `reading a certificate`.
    public var operation: String
    /// OpenSSL's reason (the last entry of its error queue, such as `no start line`), or `unknown reason`.
    public var reason: String

    /// Creates an error; ``drained(_:)`` makes one from OpenSSL's error queue.
    public init(operation: String, reason: String) {
        self.operation = operation
        self.reason = reason
    }

    /// A lower-case sentence: `reading a certificate failed: no start line`.
    public var description: String { "\(operation) failed: \(reason)" }

    /// An error for `operation` with the reason at the end of OpenSSL's error queue, which it empties.
    static func drained(_ operation: String) -> OpenSSLError {
        OpenSSLError(operation: operation, reason: OpenSSLErrorQueue.drain() ?? "unknown reason")
    }
}

/// OpenSSL's per-thread error queue.
enum OpenSSLErrorQueue {
    /// Empties the queue; returns the reason of its last (most specific) entry, if any.
    @discardableResult
    static func drain() -> String? {
        var last: UInt = 0
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            last = code
        }
        guard last != 0, let reason = ERR_reason_error_string(last) else { return nil }
        return String(cString: reason)
    }
}
