import Synchronization

/// The secret values of this hook; anything leaving the charm (logs, status, action results) passes through it.
///
/// The charm registers every secret it reads (passwords, keys, tokens); `mask(_:)` replaces each occurrence
/// with `***`. It is a last line of defence: code never puts a secret into a message on purpose.
public final class SecretMask: Sendable {
    private let secrets = Mutex<Set<String>>([])

    /// Creates an empty mask.
    public init() {}

    /// Registers a secret value; values shorter than 4 characters are not masked (they would mangle text).
    public func register(_ secret: String) {
        guard secret.count >= 4 else { return }
        secrets.withLock { _ = $0.insert(secret) }
    }

    /// `text` with every registered secret replaced by `***`.
    public func mask(_ text: String) -> String {
        let current = secrets.withLock { $0 }
        guard !current.isEmpty else { return text }
        var result = text
        // Longest first, so that a secret containing another is masked whole.
        for secret in current.sorted(by: { $0.count > $1.count }) where result.contains(secret) {
            result = result.replacing(secret, with: "***")
        }
        return result
    }
}
