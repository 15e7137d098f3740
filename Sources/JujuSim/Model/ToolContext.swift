import JujuKit

/// The per-hook context the hook tools read and write (`<agent>/context.json`, flock-protected).
///
/// Buffered writes (relation bags, ports, state) live here and reach the model only when the process exits 0;
/// immediate effects (status, logs, leader settings, version, action logs) are applied whatever the outcome.
struct ToolContext: Codable, Sendable {
    /// `JUJU_CONTEXT_ID`.
    var id: String
    /// `JUJU_UNIT_NAME`.
    var unit: String
    /// The application.
    var app: String
    /// The hook name (empty for actions).
    var hookName: String
    /// The relation of a relation hook.
    var relationID: Int?
    /// `JUJU_REMOTE_UNIT` (may be empty).
    var remoteUnit: String
    /// `JUJU_REMOTE_APP`.
    var remoteApp: String
    /// Leadership, frozen for the hook.
    var isLeader: Bool
    /// `JUJU_VERSION`.
    var jujuVersion: String
    /// `JUJU_MODEL_UUID`.
    var modelUUID: String
    /// Whether leader-* tools exist.
    var hasLeaderSettings: Bool
    /// Unit addresses.
    var privateAddress: String
    /// Unit addresses.
    var publicAddress: String
    /// Binding names known to network-get (endpoints and extra-bindings).
    var bindings: [String]
    /// Effective config; unset options without default are `.null`.
    var config: [String: JSONValue]
    /// Relations visible to the unit.
    var relations: [ContextRelation]
    /// Unit state, pending writes applied.
    var state: [String: String]
    /// Ports opened before this hook.
    var committedPorts: [OpenedPort]
    /// Buffered port changes.
    var portOperations: [PortOperation] = []
    /// Current unit status.
    var unitStatus: StatusValue
    /// Current application status.
    var appStatus: StatusValue
    /// Workload statuses of all units (for status-get --application).
    var unitStatuses: [String: StatusValue]
    /// Status changes made (immediate).
    var statusChanges: [StatusChange] = []
    /// juju-log lines (immediate).
    var logs: [LogLine] = []
    /// application-version-set (immediate).
    var workloadVersion: String?
    /// Leader settings (immediate writes).
    var leaderSettings: [String: String]
    /// Whether leader-set changed anything.
    var leaderSettingsChanged = false
    /// Goal state, prebuilt.
    var goalState: JSONValue
    /// The running action, if any.
    var action: ContextAction?
    /// Whether juju-reboot was requested.
    var rebootRequested = false
}

/// A relation as seen from inside a hook.
struct ContextRelation: Codable, Sendable {
    /// Numeric id.
    var id: Int
    /// Local endpoint.
    var endpoint: String
    /// Remote application.
    var remoteApp: String
    /// Whether it is a peer relation.
    var isPeer: Bool
    /// Whether it is being broken in this hook.
    var broken: Bool
    /// Remote units joined (relation-list).
    var members: [String]
    /// Bags keyed by unit or application name (own unit and app bags carry pending writes).
    var bags: [String: [String: String]]

    /// `endpoint:id`.
    var key: String { "\(endpoint):\(id)" }
}

/// The action running in a context.
struct ContextAction: Codable, Sendable {
    /// Action name.
    var name: String
    /// Task id.
    var id: String
    /// Validated parameters with defaults.
    var parameters: [String: JSONValue]
    /// action-set results.
    var results: [String: JSONValue] = [:]
    /// Whether action-fail was called.
    var failed = false
    /// The failure message.
    var failMessage: String?
    /// action-log lines.
    var log: [String] = []
}
