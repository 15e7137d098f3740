/// Juju's hook tools, one method per tool (`config-get`, `relation-set`, `status-set`, …).
///
/// Getters ask for `--format=json`; free text goes after `--`; relation and unit-state payloads go as JSON on
/// standard input (`--file -`), so no value, secret or not, ever reaches a process's argv.
/// `ProcessHookTools` runs the real tools; `FakeHookTools` (in `JujuKitTesting`) keeps everything in memory.
public protocol HookTools: Sendable {
    /// `config-get --format=json`: every option that is set or has a default.
    func configGet() async throws(HookToolError) -> [String: JSONValue]
    /// `is-leader --format=json`.
    func isLeader() async throws(HookToolError) -> Bool
    /// `leader-get --format=json`: the application's leader settings.
    func leaderGet() async throws(HookToolError) -> [String: String]
    /// `relation-ids --format=json <endpoint>`: the live relations of an endpoint, as `endpoint:id`.
    func relationIDs(endpoint: String) async throws(HookToolError) -> [String]
    /// `relation-list --format=json -r <id>`: the remote units that joined and have not departed.
    func relationUnits(relationID: String) async throws(HookToolError) -> [String]
    /// `relation-list --format=json -r <id> --app`: the remote application's name.
    func relationApplication(relationID: String) async throws(HookToolError) -> String?
    /// `relation-get --format=json -r <id> [--app] - <unit-or-app>`: one databag.
    func relationGet(relationID: String, member: String, application: Bool) async throws(HookToolError)
        -> [String: String]
    /// `relation-set -r <id> [--app] --file -`: writes a databag; a `nil` value deletes the key.
    func relationSet(relationID: String, application: Bool, values: [String: String?]) async throws(HookToolError)
    /// `status-set [--application] <status> -- <message>`.
    func statusSet(_ status: WorkloadStatus, application: Bool) async throws(HookToolError)
    /// `application-version-set -- <version>`.
    func applicationVersionSet(_ version: String) async throws(HookToolError)
    /// `juju-log --log-level <level> -- <message>`.
    func jujuLog(_ message: String, level: JujuLogLevel) async throws(HookToolError)
    /// `action-get --format=json`: the action's parameters with defaults filled in.
    func actionGet() async throws(HookToolError) -> [String: JSONValue]
    /// `action-set key=value …`: action results (never secrets).
    func actionSet(_ results: [String: String]) async throws(HookToolError)
    /// `action-fail -- <message>`: marks the action failed; the process goes on.
    func actionFail(_ message: String) async throws(HookToolError)
    /// `action-log -- <message>`: a progress line for `juju run`.
    func actionLog(_ message: String) async throws(HookToolError)
    /// `open-port <port>/<protocol>`.
    func openPort(_ port: PortRange) async throws(HookToolError)
    /// `close-port <port>/<protocol>`.
    func closePort(_ port: PortRange) async throws(HookToolError)
    /// `opened-ports --format=json`: the ports this unit opened (before this hook).
    func openedPorts() async throws(HookToolError) -> [PortRange]
    /// `unit-get --format=json private-address`.
    func privateAddress() async throws(HookToolError) -> String
    /// `unit-get --format=json public-address`; `nil` when the unit has none.
    func publicAddress() async throws(HookToolError) -> String?
    /// `network-get --format=json <binding> --ingress-address`: the first ingress address of a binding.
    func ingressAddress(binding: String) async throws(HookToolError) -> String?
    /// `state-get --format=json`: the unit's persisted state.
    func stateGet() async throws(HookToolError) -> [String: String]
    /// `state-set --file -`: writes unit state keys (committed by Juju only if the hook succeeds).
    func stateSet(_ values: [String: String]) async throws(HookToolError)
    /// `state-delete <key>`.
    func stateDelete(_ key: String) async throws(HookToolError)
    /// `secret-get --format=json <uri> [--refresh|--peek]`: a secret's content, keys to values.
    ///
    /// A unit that does not manage the secret reads the revision it tracks (its first read tracks the latest);
    /// `refresh` moves it to the latest, `peek` reads the latest once. The values are secrets:
    /// `HookSession.readSecret(_:refresh:peek:)` registers them with the hook's ``SecretMask``.
    func secretGet(_ uri: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String]
    /// `secret-get --format=json --label <label> [--refresh|--peek]`: a secret found by its owner's or consumer's
    /// label.
    func secretGet(label: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String]
    /// `secret-add [--owner unit] [--label <l>] [--description <d>] <key>#file=<path>…`: a new secret owned by the
    /// application (the leader only) or by this unit; returns its URI.
    ///
    /// Values go through files only the charm's user can read, never through argv; committed if the hook succeeds.
    func secretAdd(_ content: [String: String], label: String?, description: String?, unitOwned: Bool)
        async throws(SecretError) -> String
    /// `secret-set <uri> <key>#file=<path>…`: new content for a secret this unit manages (a new revision when it
    /// differs); committed if the hook succeeds.
    func secretSet(_ uri: String, content: [String: String]) async throws(SecretError)
    /// `secret-remove <uri> [--revision <n>]`: removes a secret this unit manages, or one revision of it.
    func secretRemove(_ uri: String, revision: Int?) async throws(SecretError)
    /// `secret-ids --format=json`: the ids of the secrets this unit manages.
    func secretIDs() async throws(HookToolError) -> [String]
}

/// A workload status as `status-set` takes it.
public struct WorkloadStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The status name; its order is the priority used when several are reported in one hook.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        /// Ready, for information only.
        case active
        /// Waiting for another application.
        case waiting
        /// Busy with something that resolves itself.
        case maintenance
        /// A human must act.
        case blocked

        /// The priority: blocked > maintenance > waiting > active.
        public var priority: Int {
            switch self {
            case .active: return 1
            case .waiting: return 2
            case .maintenance: return 3
            case .blocked: return 4
            }
        }

        /// Orders by priority.
        public static func < (lhs: State, rhs: State) -> Bool { lhs.priority < rhs.priority }
    }

    /// The status name.
    public var state: State
    /// The message shown next to it.
    public var message: String

    /// Creates a status.
    public init(_ state: State, _ message: String) {
        self.state = state
        self.message = message
    }

    /// `active` with a message.
    public static func active(_ message: String) -> WorkloadStatus { WorkloadStatus(.active, message) }
    /// `waiting` with a message.
    public static func waiting(_ message: String) -> WorkloadStatus { WorkloadStatus(.waiting, message) }
    /// `maintenance` with a message.
    public static func maintenance(_ message: String) -> WorkloadStatus { WorkloadStatus(.maintenance, message) }
    /// `blocked` with a message.
    public static func blocked(_ message: String) -> WorkloadStatus { WorkloadStatus(.blocked, message) }

    /// `state: message`.
    public var description: String { "\(state.rawValue): \(message)" }
}

/// The levels `juju-log` accepts.
public enum JujuLogLevel: String, Sendable, CaseIterable {
    /// Very detailed tracing.
    case trace = "TRACE"
    /// Debugging detail.
    case debug = "DEBUG"
    /// Normal operation.
    case info = "INFO"
    /// Something unexpected that the charm handled.
    case warning = "WARNING"
    /// Something failed.
    case error = "ERROR"
}

/// A port or port range with its protocol, as `open-port` takes it and `opened-ports` prints it.
public struct PortRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The first port.
    public var from: Int
    /// The last port (equal to `from` for a single port).
    public var to: Int
    /// `tcp` or `udp`.
    public var transport: String

    /// A single TCP (or other) port.
    public init(_ port: Int, transport: String = "tcp") {
        self.init(from: port, to: port, transport: transport)
    }

    /// A range of ports.
    public init(from: Int, to: Int, transport: String = "tcp") {
        self.from = from
        self.to = to
        self.transport = transport
    }

    /// Parses `80/tcp`, `8000-8080/udp` or `80`; `nil` for anything else (such as `icmp`).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let portPart = parts.first else { return nil }
        let transport = parts.count == 2 ? String(parts[1]).lowercased() : "tcp"
        let bounds = portPart.split(separator: "-", maxSplits: 1)
        guard let from = Int(bounds[0]), let to = Int(bounds.count == 2 ? bounds[1] : bounds[0]) else { return nil }
        self.init(from: from, to: to, transport: transport)
    }

    /// `5000/tcp` or `8000-8080/udp`.
    public var description: String {
        from == to ? "\(from)/\(transport)" : "\(from)-\(to)/\(transport)"
    }

    /// Orders by protocol, then port, as `opened-ports` does.
    public static func < (lhs: PortRange, rhs: PortRange) -> Bool {
        (lhs.transport, lhs.from, lhs.to) < (rhs.transport, rhs.from, rhs.to)
    }
}

/// Why a hook tool call failed.
public enum HookToolError: Error, Equatable, CustomStringConvertible {
    /// The tool could not be started.
    case unavailable(tool: String, reason: String)
    /// The tool exited non-zero (1: runtime error, 2: usage error) with its `ERROR …` message.
    case failed(tool: String, exitCode: Int32, message: String)
    /// The tool printed something that is not what its `--format=json` promises.
    case malformedOutput(tool: String, output: String)

    /// The tool's name.
    public var tool: String {
        switch self {
        case .unavailable(let tool, _), .failed(let tool, _, _), .malformedOutput(let tool, _): return tool
        }
    }

    /// A lower-case message naming the tool.
    public var description: String {
        switch self {
        case .unavailable(let tool, let reason): return "hook tool \(tool) is unavailable: \(reason)"
        case .failed(let tool, let code, let message):
            let detail = message.trimmingWhitespace()
            return "hook tool \(tool) exited with status \(code)" + (detail.isEmpty ? "" : ": \(detail)")
        case .malformedOutput(let tool, let output):
            return "hook tool \(tool) printed unexpected output: '\(output.prefix(200))'"
        }
    }
}

/// Why a secret tool failed: the secret cannot be read by this unit (a charm tells the operator to grant it), or
/// something else.
public enum SecretError: Error, Equatable, CustomStringConvertible {
    /// No such secret, label or key (`ERROR secret "…" not found`): a wrong URI, a removed secret, or (on Juju
    /// versions that hide the difference) one this application was not granted.
    case notFound(secret: String, message: String)
    /// The secret exists but this application was not granted access (`ERROR permission denied`).
    case notGranted(secret: String)
    /// Any other failure of the tool.
    case tool(HookToolError)

    /// Whether the secret could not be read for want of it or of a grant: the operator must act
    /// (`juju grant-secret <secret> <application>`, or fix the reference).
    public var isUnreadable: Bool {
        switch self {
        case .notFound, .notGranted: return true
        case .tool: return false
        }
    }

    /// Classifies a tool failure about `secret`: `permission denied` and `not found` runtime errors (exit 1).
    public init(_ error: HookToolError, secret: String) {
        if case .failed(_, 1, let message) = error {
            if message.contains("permission denied") {
                self = .notGranted(secret: secret)
                return
            }
            if message.contains("not found") {
                self = .notFound(secret: secret, message: message.trimmingWhitespace())
                return
            }
        }
        self = .tool(error)
    }

    /// A lower-case message naming the secret (never its content).
    public var description: String {
        switch self {
        case .notFound(let secret, let message): return "secret \(secret) not found (\(message))"
        case .notGranted(let secret): return "secret \(secret) is not granted to this application"
        case .tool(let error): return error.description
        }
    }
}
