public import JujuKit
import Synchronization

/// `HookTools` backed by an in-memory model of one unit: config, leadership, relations, status, ports, state.
///
/// Every call is recorded by tool name, so tests can assert how many round trips a hook made.
///
/// Transactional, as Juju and `charm-sim` are: `relation-set`, `open-port`/`close-port` and `state-set`/`state-delete`
/// are buffered (the hook reads its own writes back) and reach ``model`` only when ``finishHook(exitCode:)`` is
/// told the hook exited 0; a failed hook's writes are dropped. Statuses, logs, the workload version and action
/// results take effect at once, as in Juju.
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

    /// The most bytes Juju lets one unit-state value hold (64 KiB).
    public static let stateValueQuota = 64 * 1024

    /// `HookTools` conformance, answered from and recorded in the in-memory model.
    public func stateDelete(_ key: String) async throws(HookToolError) {
        try buffered("state-delete") { $0.state[key] = nil }
    }
}
