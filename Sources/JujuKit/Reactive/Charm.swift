/// A charm as the dispatcher drives it: handlers for hooks and actions, and a status at the end of each hook.
public protocol Charm {
    /// Prepares the session before any handler runs: registers secrets, lazy flag providers, derived flags.
    func prepare(_ session: HookSession) async throws
    /// The handlers, in the order they are tried.
    func handlers() -> [Handler]
    /// Reports the unit's status; runs after the handlers settle, in every hook and action.
    func assessStatus(_ session: HookSession) async throws
    /// Whether the dispatcher reads the configuration (`config-get`) before the handlers run for `event`.
    ///
    /// A charm can skip it for hooks where Juju guarantees the configuration has not changed since the last
    /// successful hook (`update-status`: a new configuration runs `config-changed` first) and load it only when it
    /// turns out to need it (``HookSession/loadConfig()``); no `config.changed` flags are set then.
    func needsConfig(for event: HookEvent) -> Bool
    /// Endpoints whose remote unit databags the session may keep in the unit state between hooks, so that hooks
    /// not about them read nothing from them (see ``RelationMemory``), with the keys the charm reads there: only
    /// those keys are seen and kept, each value at most ``RelationMemory/maximumValueLength`` bytes. Never an
    /// endpoint whose data holds secrets.
    var rememberedRelationKeys: [String: Set<String>] { get }
}

extension Charm {
    /// Nothing to prepare by default.
    public func prepare(_ session: HookSession) async throws {}

    /// Every hook reads the configuration by default.
    public func needsConfig(for event: HookEvent) -> Bool { true }

    /// No remote databag is kept between hooks by default (relation ids and units are).
    public var rememberedRelationKeys: [String: Set<String>] { [:] }
}
