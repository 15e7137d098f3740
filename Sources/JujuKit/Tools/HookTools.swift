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
