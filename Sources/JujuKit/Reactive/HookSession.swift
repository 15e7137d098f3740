import FoundationEssentials
public import Logging

/// Everything a handler works with during one hook: the context, the tools, flags, config, kept values, status, and
/// the charm's typed `State` of this hook.
///
/// What changed since the last successful hook reaches handlers as flags only (``Flag/configChanged(_:)`` per
/// option, ``Flag/configChanged`` for any), never as a second, string-keyed set.
public final class HookSession<State: AnyObject> {
    /// What Juju told the process.
    public let context: HookContext
    /// The hook tools.
    public let tools: any HookTools
    /// This hook's flags.
    public let flags: FlagStore
    /// The configuration, as `config-get` returned it; empty until ``loadConfig()`` when the charm skipped it.
    public private(set) var config: [String: JSONValue]
    /// Whether `config` holds the configuration (read at the start of the hook, or by ``loadConfig()``).
    public private(set) var configLoaded: Bool
    /// The statuses handlers report.
    public let status: StatusReporter
    /// Secrets to keep out of anything the charm prints.
    public let secrets: SecretMask
    /// A logger whose lines go to `juju-log`.
    public let logger: Logger
    /// Values kept between hooks (persisted only if the hook succeeds).
    public var values: [String: JSONValue]
    /// Turns bytes into a stable digest (SHA-256 hex in production).
    public let digest: @Sendable ([UInt8]) -> String
    /// The relations, read at most once per hook, and remembered between hooks (see ``RelationMemory``).
    public private(set) lazy var relations = RelationView(
        session: self,
        rememberedKeys: rememberedRelationKeys
    )
    /// Endpoints whose remote unit databags may be kept in the unit state between hooks (no secrets on them), with
    /// the keys kept.
    public let rememberedRelationKeys: [String: Set<String>]
    /// What handlers learn during this hook and share with later handlers and the status (never persisted): the
    /// charm's own type (see ``Charm/HookState``), made fresh for each hook, one typed property per fact.
    public let state: State
    /// Set when the hook started without the state earlier hooks committed (see ``StateLoss``); `values` and the
    /// persistent flags are then empty, and the charm rebuilds what it can (in `prepare`).
    public var stateLoss: StateLoss?

    /// Creates a session; the dispatcher does this once per hook.
    public init(
        context: HookContext,
        tools: any HookTools,
        flags: FlagStore,
        config: [String: JSONValue]?,
        status: StatusReporter,
        secrets: SecretMask,
        logger: Logger,
        values: [String: JSONValue],
        digest: @escaping @Sendable ([UInt8]) -> String,
        rememberedRelationKeys: [String: Set<String>] = [:],
        state: State
    ) {
        self.context = context
        self.tools = tools
        self.flags = flags
        self.config = config ?? [:]
        self.configLoaded = config != nil
        self.status = status
        self.secrets = secrets
        self.logger = logger
        var values = values
        RelationMemory.forget(in: &values, event: context.event, relationID: context.relationID)
        self.values = values
        self.digest = digest
        self.rememberedRelationKeys = rememberedRelationKeys
        self.state = state
    }

    /// The configuration: `config` when it was read, else one `config-get` now.
    @discardableResult
    public func loadConfig() async throws(HookToolError) -> [String: JSONValue] {
        if !configLoaded {
            config = try await tools.configGet()
            configLoaded = true
        }
        return config
    }

    /// Whether this unit is the leader (asks `is-leader` once per hook, and only if needed).
    public func isLeader() async throws -> Bool {
        try await flags.contains(.leader)
    }

    /// Whether `value` differs from the last value recorded under `key`; records it.
    ///
    /// Only a digest is kept, so `value` may hold secrets. Like charms.reactive's `data_changed`, the record is
    /// part of the unit state and is dropped if the hook fails. Keys are a charm's own ``WatchedDataKey`` type, so
    /// every record a charm keeps is declared in one place.
    public func dataChanged(_ key: some WatchedDataKey, _ value: some Encodable) -> Bool {
        dataChanged(named: key.rawValue, value)
    }

    /// Forgets the value recorded under `key`, so the next `dataChanged(key, …)` reports a change.
    public func forgetData(_ key: some WatchedDataKey) {
        forgetData(named: key.rawValue)
    }

    /// ``dataChanged(_:_:)`` under a name made at run time (JujuKit's relation publisher: one record a relation).
    func dataChanged(named key: String, _ value: some Encodable) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(value)).map { Array($0) } ?? []
        let fingerprint = JSONValue.string(digest(bytes))
        let storeKey = "data-changed.\(key)"
        defer { values[storeKey] = fingerprint }
        return values[storeKey] != fingerprint
    }

    /// ``forgetData(_:)`` under a name made at run time.
    func forgetData(named key: String) {
        values["data-changed.\(key)"] = nil
    }
}

/// The name of a record ``HookSession/dataChanged(_:_:)`` keeps: a charm declares its records as an enum of these,
/// whose raw values are the names in the unit state (keep them when renaming a case: units carry them over refresh).
public protocol WatchedDataKey: RawRepresentable where RawValue == String {}
