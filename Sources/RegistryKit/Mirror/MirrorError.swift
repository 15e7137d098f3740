/// Why one image, or the whole mirror, failed; each message is a lower-case phrase naming the culprit.
public enum MirrorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No HTTP answer from a registry (refused, TLS, timeout).
    case transport(registry: String, reason: String)
    /// The registry refused the credentials, or has none to accept.
    case unauthorized(registry: String, hadCredentials: Bool)
    /// An answer with a status the protocol does not expect.
    case status(request: String, status: Int, message: String)
    /// The image (or a manifest it lists) does not exist at the source.
    case notFound(reference: String)
    /// Content whose digest is not the one named.
    case digestMismatch(expected: String, actual: String)
    /// An answer or file that is not what the protocol documents.
    case unreadable(what: String, reason: String)
    /// Something the mirror does not copy.
    case unsupported(what: String)
    /// An archive that cannot be read.
    case archive(path: String, reason: String)

    /// A lower-case phrase.
    public var description: String {
        switch self {
        case .transport(let registry, let reason): return "no answer from \(registry): \(reason)"
        case .unauthorized(let registry, let hadCredentials):
            return hadCredentials
                ? "\(registry) refused the credentials given"
                : "\(registry) needs credentials (give a secret with username and password)"
        case .status(let request, let status, let message):
            return "\(request) was answered \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .notFound(let reference): return "\(reference) was not found"
        case .digestMismatch(let expected, let actual): return "content of \(expected) has the digest \(actual)"
        case .unreadable(let what, let reason): return "cannot read \(what): \(reason)"
        case .unsupported(let what): return "\(what) cannot be mirrored"
        case .archive(let path, let reason): return "cannot read the archive \(path): \(reason)"
        }
    }
}
