public import JujuKit

/// Why the docker host could not be prepared or configured.
public enum DockerHostError: Error, Equatable, CustomStringConvertible {
    /// A `daemon.json` key (from `daemon-opts`, `docker-opts` or the charm) cannot work.
    case invalidDaemonOption(key: String, reason: String)
    /// A proxy value cannot be written to the systemd drop-in.
    case invalidProxy(option: String, reason: String)
    /// A registry address is not a plain `host[:port]`.
    case invalidNetloc(String)
    /// A file the charm must copy is missing.
    case missingFile(String)
    /// An apt source, key or package could not be installed.
    case installFailed(what: String, reason: String)
    /// The custom runtime lacks one of its three options.
    case incompleteCustomRuntime(missing: String)
    /// The docker engine did not answer within the allotted time.
    case engineNotAnswering(after: String)
    /// dockerd could not be reloaded or restarted.
    case daemonControlFailed(action: String, reason: String)
    /// A program could not be run.
    case command(CommandError)
    /// A file could not be read or written.
    case file(FileSystemError)

    /// A lower-case message naming the culprit.
    public var description: String {
        switch self {
        case .invalidDaemonOption(let key, let reason): return "daemon.json key '\(key)' is invalid: \(reason)"
        case .invalidProxy(let option, let reason): return "\(option) cannot be used: \(reason)"
        case .invalidNetloc(let netloc): return "'\(netloc)' is not a registry address (host or host:port)"
        case .missingFile(let path): return "'\(path)' does not exist"
        case .installFailed(let what, let reason): return "could not install \(what): \(reason)"
        case .incompleteCustomRuntime(let missing): return "docker_runtime 'custom' needs \(missing) to be set"
        case .engineNotAnswering(let after): return "the docker engine is not answering after \(after)"
        case .daemonControlFailed(let action, let reason): return "could not \(action) dockerd: \(reason)"
        case .command(let error): return error.description
        case .file(let error): return error.description
        }
    }
}
