import JujuKit

/// Why a docker operation on the registry container or its image failed.
///
/// Every message is lower-case, names the container or image, and carries docker's own explanation (its standard
/// error), which never holds a secret: credentials reach the container through `--env-file`, never through argv.
public enum DockerError: Error, Equatable, CustomStringConvertible {
    /// The `docker` program could not be started at all.
    case unavailable(reason: String)
    /// The container spec cannot be turned into a safe `docker run` command line.
    case invalidSpec(container: String, reason: String)
    /// A docker command on a container failed; `action` is the docker verb (`inspect`, `stop`, `rm`, …).
    case containerCommandFailed(action: String, container: String, message: String)
    /// `docker container inspect` printed something that is not the expected JSON.
    case unreadableInspectOutput(container: String, reason: String)
    /// The image could not be pulled.
    case pullFailed(image: String, message: String)
    /// Looking the image up in the local image store failed for another reason than its absence.
    case imageLookupFailed(image: String, message: String)
    /// `registry --version` in a throw-away container of the image failed or answered something else.
    case versionUnknown(image: String, message: String)
    /// `docker run` (or `docker container create`) failed.
    case runFailed(container: String, image: String, message: String)
    /// Re-creating the container failed after the old one was stopped.
    ///
    /// `previousRestored` tells whether the old container was put back under its name (and started again if it had
    /// been running), so the unit still has a registry with the previous definition.
    case recreateFailed(container: String, message: String, previousRestored: Bool)

    /// A lower-case sentence naming the container or image.
    public var description: String {
        switch self {
        case .unavailable(let reason):
            return "docker cannot be run: \(reason)"
        case .invalidSpec(let container, let reason):
            return "the spec of container '\(container)' is invalid: \(reason)"
        case .containerCommandFailed(let action, let container, let message):
            return "docker \(action) of container '\(container)' failed" + Self.detail(message)
        case .unreadableInspectOutput(let container, let reason):
            return "cannot read docker's description of container '\(container)': \(reason)"
        case .pullFailed(let image, let message):
            return "could not pull image '\(image)'" + Self.detail(message)
        case .imageLookupFailed(let image, let message):
            return "could not look up image '\(image)'" + Self.detail(message)
        case .versionUnknown(let image, let message):
            return "could not tell which registry image '\(image)' runs (registry --version)" + Self.detail(message)
        case .runFailed(let container, let image, let message):
            return "could not create container '\(container)' from image '\(image)'" + Self.detail(message)
        case .recreateFailed(let container, let message, let previousRestored):
            let outcome =
                previousRestored
                ? "; the previous container was restored" : "; the previous container could not be restored"
            return "could not re-create container '\(container)'" + Self.detail(message) + outcome
        }
    }

    private static func detail(_ message: String) -> String {
        let trimmed = message.trimmingWhitespace()
        return trimmed.isEmpty ? "" : ": \(trimmed)"
    }
}
