public import JujuKit
import Synchronization

/// `HookTools` backed by an in-memory model of one unit: config, leadership, relations, status, ports, state,
/// secrets.
///
/// Every call is recorded by tool name, so tests can assert how many round trips a hook made.
///
/// Transactional, as Juju and `charm-sim` are: `relation-set`, `open-port`/`close-port`, `state-set`/`state-delete`
/// and `secret-add`/`secret-set`/`secret-remove` are buffered (the hook reads its own writes back) and reach
/// ``model`` only when ``finishHook(exitCode:)`` is told the hook exited 0; a failed hook's writes are dropped.
/// Statuses, logs, the workload version, action results and the revision a consumer tracks (`secret-get`) take
/// effect at once, as in Juju. Secret writes Juju would refuse at commit (a secret the unit does not manage) are
/// refused at the call here.
public final class FakeHookTools: HookTools, Sendable {
    /// One relation as the local unit sees it.
    public struct Relation: Sendable, Equatable {
        /// The local endpoint.
        public var endpoint: String
        /// The remote application.
        public var remoteApp: String
        /// The remote units that joined.
        public var remoteUnits: [String]
        /// Each remote unit's databag.
        public var remoteUnitData: [String: [String: String]]
        /// The remote application's databag.
        public var remoteAppData: [String: String]
        /// This unit's databag.
        public var localUnitData: [String: String]
        /// This application's databag (leader-writable).
        public var localAppData: [String: String]

        /// Creates a relation.
        public init(
            endpoint: String,
            remoteApp: String,
            remoteUnits: [String] = [],
            remoteUnitData: [String: [String: String]] = [:],
            remoteAppData: [String: String] = [:],
            localUnitData: [String: String] = [:],
            localAppData: [String: String] = [:]
        ) {
            self.endpoint = endpoint
            self.remoteApp = remoteApp
            self.remoteUnits = remoteUnits
            self.remoteUnitData = remoteUnitData
            self.remoteAppData = remoteAppData
            self.localUnitData = localUnitData
            self.localAppData = localAppData
        }
    }

    /// A secret as the unit sees it: its revisions, who owns it, whether the application may read it, and the
    /// revision this unit tracks.
    public struct Secret: Sendable, Equatable {
        /// Who owns a secret.
        public enum Owner: Sendable, Equatable {
            /// This application: the leader manages it, the other units read it as consumers.
            case application
            /// This unit: it manages it.
            case unit
            /// A user (`juju add-secret`) or another application: this unit only reads it, if granted.
            case other
        }

        /// The content of each revision, oldest first (revision N is at index N - 1).
        public var revisions: [[String: String]]
        /// The owner's (or this unit's consumer) label.
        public var label: String?
        /// Who owns it.
        public var owner: Owner
        /// Whether this application was granted access (secrets it owns are always readable).
        public var granted: Bool
        /// The revision this unit reads without `--refresh`/`--peek` (nil until its first read).
        public var trackedRevision: Int?

        /// Creates a secret with one revision.
        public init(
            _ content: [String: String],
            label: String? = nil,
            owner: Owner = .other,
            granted: Bool = true,
            trackedRevision: Int? = nil
        ) {
            self.init(
                revisions: [content],
                label: label,
                owner: owner,
                granted: granted,
                trackedRevision: trackedRevision
            )
        }

        /// Creates a secret with several revisions.
        public init(
            revisions: [[String: String]],
            label: String? = nil,
            owner: Owner = .other,
            granted: Bool = true,
            trackedRevision: Int? = nil
        ) {
            self.revisions = revisions
            self.label = label
            self.owner = owner
            self.granted = granted
            self.trackedRevision = trackedRevision
        }

        /// The latest revision number.
        public var latestRevision: Int { revisions.count }

        /// Adds a revision, as `juju update-secret` or the owner's `secret-set` does.
        public mutating func addRevision(_ content: [String: String]) { revisions.append(content) }
    }

    /// The whole model; tests read and change it through `model`.
    public struct Model: Sendable {
        /// This unit's name.
        public var unitName = "docker-registry/0"
        /// Effective configuration.
        public var config: [String: JSONValue] = [:]
        /// Whether this unit leads.
        public var isLeader = true
        /// Leader settings.
        public var leaderSettings: [String: String] = [:]
        /// Relations by id (`endpoint:N`).
        public var relations: [String: Relation] = [:]
        /// Every status set, in order.
        public var statusHistory: [WorkloadStatus] = []
        /// Every `juju-log` line.
        public var logs: [(level: JujuLogLevel, message: String)] = []
        /// The action's parameters.
        public var actionParameters: [String: JSONValue] = [:]
        /// Results set with `action-set`.
        public var actionResults: [String: String] = [:]
        /// The message of `action-fail`, if called.
        public var actionFailure: String?
        /// Lines of `action-log`.
        public var actionLogs: [String] = []
        /// Opened ports.
        public var openedPorts: Set<PortRange> = []
        /// The unit's private address.
        public var privateAddress = "10.0.0.5"
        /// The unit's public address (`nil`: the unit has none).
        public var publicAddress: String? = "203.0.113.5"
        /// Ingress address per binding.
        public var ingressAddresses: [String: String] = [:]
        /// Unit state.
        public var state: [String: String] = [:]
        /// The workload version.
        public var applicationVersion: String?
        /// Tool calls, by tool name, in order.
        public var calls: [String] = []
        /// Tools that fail (exit 1), by tool name: a hook that fails halfway.
        public var failingCalls: [String: ToolFailure] = [:]
        /// Secrets by URI (`secret:<id>`; a URI naming the same id in another form finds it too).
        public var secrets: [String: Secret] = [:]
        /// How many secrets `secret-add` created (it numbers the new ids).
        public var secretsAdded = 0

        /// Creates a model with a leader unit `docker-registry/0` and nothing else.
        public init() {}
    }

    /// When a tool fails: after `callsBefore` calls that succeed, the next `times` calls fail.
    public struct ToolFailure: Sendable, Equatable {
        /// Calls that succeed first.
        public var callsBefore: Int
        /// Calls that fail after those.
        public var times: Int

        /// Creates a failure of `times` calls after `callsBefore` successful ones.
        public init(after callsBefore: Int = 0, times: Int = 1) {
            self.callsBefore = callsBefore
            self.times = times
        }
    }

    private let storage: Mutex<Model>
    /// The running hook's buffered writes: the model as the hook sees it, committed at a successful exit.
    private let pending: Mutex<Model?> = Mutex(nil)

    /// Creates tools over `model`.
    public init(_ model: Model = Model()) {
        storage = Mutex(model)
    }

    /// The committed model (without the buffered writes of a hook still running).
    public var model: Model { storage.withLock { $0 } }

    /// Ends the running hook: commits its buffered writes when it exited 0, drops them otherwise.
    ///
    /// Returns whether writes were committed.
    @discardableResult
    public func finishHook(exitCode: Int32) -> Bool {
        guard let buffered = pending.withLock({ $0.take() }) else { return exitCode == 0 }
        guard exitCode == 0 else { return false }
        storage.withLock { model in
            // Only what the hook may write: its own bags (remote data may have changed meanwhile).
            for (id, relation) in buffered.relations where model.relations[id] != nil {
                model.relations[id]?.localUnitData = relation.localUnitData
                model.relations[id]?.localAppData = relation.localAppData
            }
            model.openedPorts = buffered.openedPorts
            model.state = buffered.state
            // Secrets as the hook left them, but with the revisions consumers track now (set at once).
            var secrets = buffered.secrets
            for (uri, secret) in model.secrets where secrets[uri] != nil {
                secrets[uri]?.trackedRevision = secret.trackedRevision
            }
            model.secrets = secrets
            model.secretsAdded = buffered.secretsAdded
        }
        return true
    }

    /// Whether a hook has buffered writes not yet committed or dropped.
    public var hasPendingWrites: Bool { pending.withLock { $0 != nil } }

    /// Changes the model.
    public func update(_ change: (inout Model) -> Void) {
        storage.withLock { change(&$0) }
    }

    /// The tool calls made so far, by name.
    public var calls: [String] { model.calls }

    /// The last status set, if any.
    public var lastStatus: WorkloadStatus? { model.statusHistory.last }

    private func record<T>(_ tool: String, _ body: (inout Model) throws(HookToolError) -> T) throws(HookToolError) -> T
    {
        try storage.withLock { (model: inout Model) throws(HookToolError) -> T in
            model.calls.append(tool)
            if var failure = model.failingCalls[tool] {
                let fails = failure.callsBefore == 0
                if fails { failure.times -= 1 } else { failure.callsBefore -= 1 }
                model.failingCalls[tool] = failure.times > 0 ? failure : nil
                if fails {
                    throw .failed(tool: tool, exitCode: 1, message: "ERROR \(tool) failed (injected by the test)")
                }
            }
            return try body(&model)
        }
    }

    /// Records a call whose effect is buffered until the hook ends: `body` changes the hook's own view.
    private func buffered<T>(_ tool: String, _ body: (inout Model) throws(HookToolError) -> T) throws(HookToolError)
        -> T
    {
        let committed = try record(tool) { $0 }
        return try pending.withLock { (view: inout Model?) throws(HookToolError) -> T in
            var working = view ?? committed
            let result = try body(&working)
            view = working
            return result
        }
    }

    /// What the hook reads: its buffered view when it wrote something, else the committed model.
    private func reading<T>(_ tool: String, _ body: (Model) throws(HookToolError) -> T) throws(HookToolError) -> T {
        let committed = try record(tool) { $0 }
        let view = pending.withLock { $0 } ?? committed
        return try body(view)
    }

    private func relation(_ id: String, in model: Model, tool: String) throws(HookToolError) -> Relation {
        guard let relation = model.relations[id] else {
            throw .failed(
                tool: tool,
                exitCode: 2,
                message: "ERROR invalid value \"\(id)\" for option -r: relation not found"
            )
        }
        return relation
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func configGet() async throws(HookToolError) -> [String: JSONValue] {
        try record("config-get") { $0.config.filter { !$0.value.isNull } }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func isLeader() async throws(HookToolError) -> Bool {
        try record("is-leader") { $0.isLeader }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func leaderGet() async throws(HookToolError) -> [String: String] {
        try record("leader-get") { $0.leaderSettings }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func relationIDs(endpoint: String) async throws(HookToolError) -> [String] {
        try reading("relation-ids") { model in
            model.relations.filter { $0.value.endpoint == endpoint }.keys.sorted()
        }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func relationUnits(relationID: String) async throws(HookToolError) -> [String] {
        try reading("relation-list") { model throws(HookToolError) in
            try relation(relationID, in: model, tool: "relation-list").remoteUnits.sorted()
        }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func relationApplication(relationID: String) async throws(HookToolError) -> String? {
        try reading("relation-list") { model throws(HookToolError) in
            try relation(relationID, in: model, tool: "relation-list").remoteApp
        }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func relationGet(relationID: String, member: String, application: Bool) async throws(HookToolError)
        -> [String: String]
    {
        try reading("relation-get") { model throws(HookToolError) in
            let found = try relation(relationID, in: model, tool: "relation-get")
            let localApp = String(model.unitName.split(separator: "/").first ?? "")
            if member == model.unitName { return found.localUnitData }
            if application && member == localApp {
                guard model.isLeader || found.endpoint == "peer" else {
                    throw .failed(tool: "relation-get", exitCode: 1, message: "ERROR permission denied")
                }
                return found.localAppData
            }
            if application { return found.remoteAppData }
            return found.remoteUnitData[member] ?? [:]
        }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func relationSet(relationID: String, application: Bool, values: [String: String?])
        async throws(HookToolError)
    {
        try buffered("relation-set") { model throws(HookToolError) in
            var found = try relation(relationID, in: model, tool: "relation-set")
            if application && !model.isLeader {
                throw .failed(tool: "relation-set", exitCode: 1, message: "ERROR cannot write relation settings")
            }
            for (key, value) in values {
                let stored = (value?.isEmpty ?? true) ? nil : value
                if application { found.localAppData[key] = stored } else { found.localUnitData[key] = stored }
            }
            model.relations[relationID] = found
        }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func statusSet(_ status: WorkloadStatus, application: Bool) async throws(HookToolError) {
        try record("status-set") { $0.statusHistory.append(status) }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func applicationVersionSet(_ version: String) async throws(HookToolError) {
        try record("application-version-set") { $0.applicationVersion = version }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func jujuLog(_ message: String, level: JujuLogLevel) async throws(HookToolError) {
        try record("juju-log") { $0.logs.append((level, message)) }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func actionGet() async throws(HookToolError) -> [String: JSONValue] {
        try record("action-get") { $0.actionParameters }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func actionSet(_ results: [String: String]) async throws(HookToolError) {
        try record("action-set") { $0.actionResults.merge(results) { $1 } }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func actionFail(_ message: String) async throws(HookToolError) {
        try record("action-fail") { $0.actionFailure = message }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func actionLog(_ message: String) async throws(HookToolError) {
        try record("action-log") { $0.actionLogs.append(message) }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func openPort(_ port: PortRange) async throws(HookToolError) {
        try buffered("open-port") { _ = $0.openedPorts.insert(port) }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func closePort(_ port: PortRange) async throws(HookToolError) {
        try buffered("close-port") { _ = $0.openedPorts.remove(port) }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func openedPorts() async throws(HookToolError) -> [PortRange] {
        try reading("opened-ports") { $0.openedPorts.sorted() }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func privateAddress() async throws(HookToolError) -> String {
        try record("unit-get") { $0.privateAddress }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func publicAddress() async throws(HookToolError) -> String? {
        try record("unit-get") { $0.publicAddress }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func ingressAddress(binding: String) async throws(HookToolError) -> String? {
        try record("network-get") { $0.ingressAddresses[binding] ?? $0.privateAddress }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func stateGet() async throws(HookToolError) -> [String: String] {
        try reading("state-get") { $0.state }
    }

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    ///
    /// As Juju does, refuses a value longer than ``stateValueQuota`` bytes (the hook then fails).
    public func stateSet(_ values: [String: String]) async throws(HookToolError) {
        try buffered("state-set") { (model: inout Model) throws(HookToolError) in
            for (key, value) in values where value.utf8.count > Self.stateValueQuota {
                throw .failed(
                    tool: "state-set",
                    exitCode: 1,
                    message: "value of key \"\(key)\" exceeds the quota of \(Self.stateValueQuota) bytes"
                )
            }
            model.state.merge(values) { $1 }
        }
    }

    /// `HookTools` conformance: Juju's revision rules over the in-memory secrets (see ``Secret``).
    public func secretGet(_ uri: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String] {
        try readSecret("secret-get", refresh: refresh, peek: peek) { model throws(SecretError) in
            guard let key = Self.secretKey(uri, in: model) else {
                throw .notFound(secret: uri, message: "ERROR secret \"\(uri)\" not found")
            }
            return key
        }
    }

    /// `HookTools` conformance: finds the secret by its label.
    public func secretGet(label: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String] {
        try readSecret("secret-get", refresh: refresh, peek: peek) { model throws(SecretError) in
            guard let key = model.secrets.keys.sorted().first(where: { model.secrets[$0]?.label == label }) else {
                throw .notFound(
                    secret: "with label \(label)",
                    message: "ERROR consumer label \"\(label)\" not found"
                )
            }
            return key
        }
    }

    /// Reads the secret `find` picks from the hook's view; a consumer's tracked revision changes at once.
    private func readSecret(
        _ tool: String,
        refresh: Bool,
        peek: Bool,
        find: (Model) throws(SecretError) -> String
    ) throws(SecretError) -> [String: String] {
        let committed: Model
        do {
            committed = try record(tool) { $0 }
        } catch {
            throw .tool(error)
        }
        let view = pending.withLock { $0 } ?? committed
        let key = try find(view)
        guard let secret = view.secrets[key], let latest = secret.revisions.last else {
            throw .notFound(secret: key, message: "ERROR secret \"\(key)\" not found")
        }
        if Self.manages(secret, view) { return latest }
        guard secret.granted || secret.owner == .application else { throw .notGranted(secret: key) }
        var tracked = secret.trackedRevision
        var wanted = tracked ?? secret.latestRevision
        if refresh || peek || tracked == nil { wanted = secret.latestRevision }
        if refresh || tracked == nil { tracked = secret.latestRevision }
        if tracked != secret.trackedRevision {
            storage.withLock { $0.secrets[key]?.trackedRevision = tracked }
            pending.withLock { $0?.secrets[key]?.trackedRevision = tracked }
        }
        guard (1...secret.revisions.count).contains(wanted) else {
            throw .notFound(secret: key, message: "ERROR secret revision \(wanted) not found")
        }
        return secret.revisions[wanted - 1]
    }

    /// Whether this unit manages a secret: it owns it, or leads the application owning it.
    private static func manages(_ secret: Secret, _ model: Model) -> Bool {
        secret.owner == .unit || (secret.owner == .application && model.isLeader)
    }

    /// The key of the secret `uri` names: the same string, or the same id (`secret:<id>`, `secret://<uuid>/<id>`,
    /// `<id>`).
    private static func secretKey(_ uri: String, in model: Model) -> String? {
        if model.secrets[uri] != nil { return uri }
        let id = secretID(uri)
        return model.secrets.keys.sorted().first { secretID($0) == id }
    }

    /// The id part of a secret URI.
    private static func secretID(_ uri: String) -> String {
        String(uri.split(separator: "/").last.map { $0.split(separator: ":").last ?? $0 } ?? Substring(uri))
    }

    /// A buffered secret write; a secret the unit does not manage is refused at once.
    private func writeSecret(
        _ tool: String,
        _ uri: String,
        _ body: (inout Secret) -> Void
    ) throws(SecretError) {
        do {
            try buffered(tool) { (model: inout Model) throws(HookToolError) in
                guard let key = Self.secretKey(uri, in: model), var secret = model.secrets[key] else {
                    throw .failed(tool: tool, exitCode: 1, message: "ERROR secret \"\(uri)\" not found")
                }
                guard Self.manages(secret, model) else {
                    throw .failed(tool: tool, exitCode: 1, message: "ERROR permission denied")
                }
                body(&secret)
                model.secrets[key] = secret
            }
        } catch {
            throw SecretError(error, secret: uri)
        }
    }

    /// `HookTools` conformance, buffered: a new secret `secret:<20 characters>`.
    public func secretAdd(_ content: [String: String], label: String?, description: String?, unitOwned: Bool)
        async throws(SecretError) -> String
    {
        do {
            return try buffered("secret-add") { (model: inout Model) throws(HookToolError) -> String in
                if !unitOwned && !model.isLeader {
                    throw .failed(tool: "secret-add", exitCode: 1, message: "ERROR this unit is not the leader")
                }
                if let label, model.secrets.values.contains(where: { $0.label == label && $0.owner != .other }) {
                    throw .failed(
                        tool: "secret-add",
                        exitCode: 1,
                        message: "ERROR secret with label \"\(label)\" already exists"
                    )
                }
                model.secretsAdded += 1
                let number = String(model.secretsAdded)
                let uri = "secret:fake" + String(repeating: "0", count: 16 - number.count) + number
                model.secrets[uri] = Secret(content, label: label, owner: unitOwned ? .unit : .application)
                return uri
            }
        } catch {
            throw .tool(error)
        }
    }

    /// `HookTools` conformance, buffered: a new revision when the content differs from the latest.
    public func secretSet(_ uri: String, content: [String: String]) async throws(SecretError) {
        try writeSecret("secret-set", uri) { secret in
            if secret.revisions.last != content { secret.addRevision(content) }
        }
    }

    /// `HookTools` conformance, buffered: removes the secret, or empties one revision.
    public func secretRemove(_ uri: String, revision: Int?) async throws(SecretError) {
        var removeAll = false
        try writeSecret("secret-remove", uri) { secret in
            if let revision, (1...max(1, secret.revisions.count)).contains(revision), !secret.revisions.isEmpty {
                secret.revisions[revision - 1] = [:]
            } else {
                removeAll = true
            }
        }
        guard removeAll else { return }
        pending.withLock { view in
            guard var working = view, let key = Self.secretKey(uri, in: working) else { return }
            working.secrets[key] = nil
            view = working
        }
    }

    /// `HookTools` conformance: the ids of the secrets this unit manages.
    public func secretIDs() async throws(HookToolError) -> [String] {
        try reading("secret-ids") { model in
            model.secrets.filter { Self.manages($0.value, model) }.keys.map(Self.secretID).sorted()
        }
    }

    /// The most bytes Juju lets one unit-state value hold (64 KiB).
    public static let stateValueQuota = 64 * 1024

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func stateDelete(_ key: String) async throws(HookToolError) {
        try buffered("state-delete") { $0.state[key] = nil }
    }
}
