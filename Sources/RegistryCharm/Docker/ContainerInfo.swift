import FoundationEssentials

/// What docker reports about one container (the parts the charm uses; never its environment).
public struct ContainerInfo: Sendable, Equatable {
    /// The full container id.
    public var id: String
    /// The container name, without docker's leading `/`.
    public var name: String
    /// The image reference the container was created from, as given to `docker run`.
    public var image: String
    /// The id of that image (`sha256:…`).
    public var imageID: String
    /// Whether its process runs (also while paused).
    public var isRunning: Bool
    /// Whether docker is restarting it after an exit (a crash loop under `--restart unless-stopped`).
    public var isRestarting: Bool
    /// Docker's state word: `created`, `running`, `paused`, `restarting`, `removing`, `exited` or `dead`.
    public var status: String
    /// The exit code of its last run (0 while running).
    public var exitCode: Int
    /// Its labels.
    public var labels: [String: String]
    /// How often docker restarted it.
    public var restartCount: Int
    /// When it last started (RFC 3339 as docker prints it), `nil` if never.
    public var startedAt: String?
    /// When it last stopped (RFC 3339 as docker prints it), `nil` if never.
    public var finishedAt: String?

    /// Creates a description.
    public init(
        id: String,
        name: String,
        image: String,
        imageID: String = "",
        isRunning: Bool,
        isRestarting: Bool = false,
        status: String,
        exitCode: Int = 0,
        labels: [String: String] = [:],
        restartCount: Int = 0,
        startedAt: String? = nil,
        finishedAt: String? = nil
    ) {
        self.id = id
        self.name = name
        self.image = image
        self.imageID = imageID
        self.isRunning = isRunning
        self.isRestarting = isRestarting
        self.status = status
        self.exitCode = exitCode
        self.labels = labels
        self.restartCount = restartCount
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }

    /// The spec digest the charm recorded on the container, if it made it.
    public var specDigest: String? { labels[ContainerLabels.specDigest] }

    /// Whether the charm made this container.
    public var isManagedByCharm: Bool { labels[ContainerLabels.managedBy] == ContainerLabels.managedByValue }
}

extension ContainerInfo {
    /// Reads the output of `docker container inspect <name>` and returns the container whose name is exactly `name`.
    ///
    /// Docker resolves its argument as an id, a name, or an id prefix, so the entry returned for `name` may be another
    /// container whose id starts with `name`: such an entry, like an empty list, gives `nil`.
    static func parse(inspectOutput: String, name: String) throws(DockerError) -> ContainerInfo? {
        let entries: [InspectEntry]
        do {
            entries = try JSONDecoder().decode([InspectEntry].self, from: Data(inspectOutput.utf8))
        } catch {
            throw .unreadableInspectOutput(container: name, reason: "\(error)")
        }
        guard let entry = entries.first(where: { $0.name == "/" + name || $0.name == name }) else { return nil }
        return ContainerInfo(
            id: entry.id,
            name: name,
            image: entry.config?.image ?? "",
            imageID: entry.image ?? "",
            isRunning: entry.state.running,
            isRestarting: entry.state.restarting ?? false,
            status: entry.state.status,
            exitCode: entry.state.exitCode ?? 0,
            labels: entry.config?.labels ?? [:],
            restartCount: entry.restartCount ?? 0,
            startedAt: Self.time(entry.state.startedAt),
            finishedAt: Self.time(entry.state.finishedAt)
        )
    }

    /// Docker prints Go's zero time for "never".
    private static func time(_ value: String?) -> String? {
        guard let value, !value.isEmpty, !value.hasPrefix("0001-01-01") else { return nil }
        return value
    }
}

/// The fields of one `docker container inspect` entry that the charm reads.
private struct InspectEntry: Decodable {
    struct State: Decodable {
        var status: String
        var running: Bool
        var restarting: Bool?
        var exitCode: Int?
        var startedAt: String?
        var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case status = "Status", running = "Running", restarting = "Restarting", exitCode = "ExitCode"
            case startedAt = "StartedAt", finishedAt = "FinishedAt"
        }
    }

    struct Config: Decodable {
        var image: String?
        var labels: [String: String]?

        enum CodingKeys: String, CodingKey {
            case image = "Image", labels = "Labels"
        }
    }

    var id: String
    var name: String
    var image: String?
    var restartCount: Int?
    var state: State
    var config: Config?

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", image = "Image", restartCount = "RestartCount", state = "State"
        case config = "Config"
    }
}
