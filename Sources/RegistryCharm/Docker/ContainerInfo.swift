import FoundationEssentials
import JujuKit

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
    /// The host pid of its main process while it runs, 0 otherwise.
    public var pid: Int
    /// The file docker writes its output to (`json-file` and `local` drivers), if any.
    public var logPath: String?

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
        finishedAt: String? = nil,
        pid: Int = 0,
        logPath: String? = nil
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
        self.pid = pid
        self.logPath = logPath
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
        // Parsed into a JSONValue, not decoded with Codable: an idle hook's one read should cost little at start.
        let entries: [InspectEntry]
        do {
            guard let array = try JSONValue(parsing: inspectOutput).arrayValue else {
                throw InspectEntry.Malformed(reason: "expected an array of containers")
            }
            entries = try array.map { value throws(InspectEntry.Malformed) in try InspectEntry(value) }
        } catch {
            throw .unreadableInspectOutput(container: name, reason: "\(error)")
        }
        guard let entry = entries.first(where: { $0.name == "/" + name || $0.name == name }) else { return nil }
        return ContainerInfo(
            id: entry.id,
            name: name,
            image: entry.configImage ?? "",
            imageID: entry.image ?? "",
            isRunning: entry.running,
            isRestarting: entry.restarting ?? false,
            status: entry.status,
            exitCode: entry.exitCode ?? 0,
            labels: entry.labels ?? [:],
            restartCount: entry.restartCount ?? 0,
            startedAt: Self.time(entry.startedAt),
            finishedAt: Self.time(entry.finishedAt),
            pid: entry.pid ?? 0,
            logPath: entry.logPath.flatMap { $0.isEmpty ? nil : $0 }
        )
    }

    /// Docker prints Go's zero time for "never".
    private static func time(_ value: String?) -> String? {
        guard let value, !value.isEmpty, !value.hasPrefix("0001-01-01") else { return nil }
        return value
    }
}

/// The fields of one `docker container inspect` entry that the charm reads.
private struct InspectEntry {
    /// Why an entry cannot be read.
    struct Malformed: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    var id: String
    var name: String
    var image: String?
    var restartCount: Int?
    var status: String
    var running: Bool
    var restarting: Bool?
    var exitCode: Int?
    var startedAt: String?
    var finishedAt: String?
    var pid: Int?
    var logPath: String?
    var configImage: String?
    var labels: [String: String]?

    /// Reads one entry: `Id`, `Name` and `State.Status`/`State.Running` are required, the rest optional (`null`
    /// counts as absent); a member of the wrong type is an error.
    init(_ value: JSONValue) throws(Malformed) {
        guard let entry = value.objectValue else { throw Malformed(reason: "a container entry is not an object") }
        guard let state = entry["State"]?.objectValue else { throw Malformed(reason: "missing State") }
        id = try Self.required(entry, "Id")
        name = try Self.required(entry, "Name")
        status = try Self.required(state, "Status")
        guard let running = state["Running"]?.boolValue else { throw Malformed(reason: "missing State.Running") }
        self.running = running
        image = try Self.optional(entry, "Image") { $0.stringValue }
        restartCount = try Self.optional(entry, "RestartCount") { $0.intValue }
        restarting = try Self.optional(state, "Restarting") { $0.boolValue }
        exitCode = try Self.optional(state, "ExitCode") { $0.intValue }
        startedAt = try Self.optional(state, "StartedAt") { $0.stringValue }
        finishedAt = try Self.optional(state, "FinishedAt") { $0.stringValue }
        pid = try Self.optional(state, "Pid") { $0.intValue }
        logPath = try Self.optional(entry, "LogPath") { $0.stringValue }
        let config = try Self.optional(entry, "Config") { $0.objectValue }
        configImage = try config.flatMap { config throws(Malformed) in
            try Self.optional(config, "Image") { $0.stringValue }
        }
        labels = try config.flatMap { config throws(Malformed) in
            try Self.optional(config, "Labels") { labels -> [String: String]? in
                guard let members = labels.objectValue else { return nil }
                var result: [String: String] = [:]
                for (key, member) in members {
                    guard let text = member.stringValue else { return nil }
                    result[key] = text
                }
                return result
            }
        }
    }

    private static func required(_ object: [String: JSONValue], _ key: String) throws(Malformed) -> String {
        guard let text = object[key]?.stringValue else { throw Malformed(reason: "missing \(key)") }
        return text
    }

    private static func optional<T>(_ object: [String: JSONValue], _ key: String, _ convert: (JSONValue) -> T?)
        throws(Malformed) -> T?
    {
        guard let value = object[key], !value.isNull else { return nil }
        guard let converted = convert(value) else { throw Malformed(reason: "\(key) has the wrong type") }
        return converted
    }
}
