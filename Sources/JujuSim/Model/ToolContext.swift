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
    /// Every secret of the model as this unit sees it (content only where it may read it); writes are buffered here.
    var secrets: [ContextSecret] = []
    /// Secrets written (`secret-set`, `secret-remove`, `secret-revoke`) that the unit does not know: the commit fails
    /// with `secret "<uri>" not found`, as Juju's does.
    var unknownSecretWrites: [String] = []
    /// The model UUID secrets of this model carry as their source.
    var secretSourceUUID: String = ""
    /// The secret hook being run (`secret-changed`, …): its secret's id.
    var secretID: String?
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
    /// The relation's tag (`relation-<key>`), the scope of secret grants made over it.
    var tag: String = ""

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

/// A secret as one hook sees it: metadata, the revisions it may read, and this hook's buffered changes.
struct ContextSecret: Codable, Sendable {
    /// The xid.
    var id: String
    /// `model`, `application` or `unit`.
    var ownerKind: String
    /// The model UUID, application or unit owning it.
    var ownerID: String
    /// The owner's label (the name of a user secret).
    var label: String
    /// The description.
    var description: String
    /// The rotation policy ("" when never set).
    var rotatePolicy: String
    /// When it rotates next.
    var nextRotateTime: String?
    /// The latest revision's expiry.
    var expireTime: String?
    /// The latest committed revision.
    var latestRevision: Int
    /// Revision contents (base64 values); empty when the unit may not read the secret.
    var revisions: [ContextSecretRevision] = []
    /// View grants (only for a unit that manages the secret).
    var grants: [SimSecretGrant] = []
    /// Whether the unit may read the content.
    var readable: Bool
    /// Whether the unit manages it: the owner unit, or the leader for an application's secret.
    var manages: Bool
    /// The unit's consumer record: the revision it tracks and its label (readers that do not manage).
    var consumer: SimSecretConsumer?
    /// Created in this hook (`secret-add`), not yet committed.
    var created = false
    /// New content from `secret-set` (or `secret-add`), committed as a new revision if it differs.
    var pendingContent: [String: String]?
    /// Whether label, description, rotation, expiry or grants changed in this hook.
    var metadataChanged = false
    /// Whether `secret-remove` without `--revision` removed it.
    var removed = false
    /// Revisions `secret-remove --revision` removed.
    var removedRevisions: [Int] = []
    /// Whether `secret-get` changed the consumer record (applied at once, as Juju's controller does).
    var consumerChanged = false

    /// A revision's content, if the unit may read it.
    func content(revision: Int) -> [String: String]? {
        revisions.first { $0.revision == revision }?.content
    }

    /// Whether this hook buffered a write to it.
    var hasBufferedWrite: Bool {
        created || pendingContent != nil || metadataChanged || removed || !removedRevisions.isEmpty
    }
}

/// One revision's content in a hook's context.
struct ContextSecretRevision: Codable, Sendable {
    /// The revision number.
    var revision: Int
    /// Keys to base64-encoded values.
    var content: [String: String]
}
