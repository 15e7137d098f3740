/// A charm as the dispatcher drives it: handlers for hooks and actions, and a status at the end of each hook.
public protocol Charm {
    /// What handlers work out during one hook and share with later handlers and the status, never persisted: a
    /// class with one typed stored property per fact, so the compiler checks every read and write.
    associatedtype HookState: AnyObject = NoHookState
    /// A fresh state for one hook (the dispatcher asks once per hook, before ``prepare(_:)``).
    func makeHookState() -> HookState
    /// Prepares the session before any handler runs: registers secrets, lazy flag providers, derived flags.
    func prepare(_ session: HookSession<HookState>) async throws
    /// The handlers, in the order they are tried.
    func handlers() -> [Handler<HookState>]
    /// Reports the unit's status; runs after the handlers settle, in every hook and action.
    func assessStatus(_ session: HookSession<HookState>) async throws
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
    /// What a hook that failed for `reason` (an error of the charm's, not of Juju's hook tools) leaves, instead of
    /// failing: the status to show and the flags to persist so that a later hook tries again; `nil` fails the hook
    /// (exit 1) and lets Juju retry it.
    func afterFailure(of event: HookEvent, reason: String) -> HookFailureVerdict?
}

/// How a charm answers a hook that could not finish: exit 0 with this status and these flags added to the state the
/// last successful hook left (nothing else of the failed hook is kept).
public struct HookFailureVerdict: Sendable, Equatable {
    /// The status the unit shows (typically blocked, saying what is wrong and that a later hook retries).
    public var status: WorkloadStatus
    /// Flags set in the state kept, so that a later hook does the work again.
    public var flags: [Flag]

    /// Creates a verdict.
    public init(status: WorkloadStatus, flags: [Flag]) {
        self.status = status
        self.flags = flags
    }
}

/// The hook state of a charm whose handlers share nothing but flags and the unit state.
public final class NoHookState {
    /// Creates the (empty) state.
    public init() {}
}

extension Charm where HookState == NoHookState {
    /// An empty state for a charm that keeps none.
    public func makeHookState() -> NoHookState { NoHookState() }
}

extension Charm {
    /// Nothing to prepare by default.
    public func prepare(_ session: HookSession<HookState>) async throws {}

    /// Every hook reads the configuration by default.
    public func needsConfig(for event: HookEvent) -> Bool { true }

    /// No remote databag is kept between hooks by default (relation ids and units are).
    public var rememberedRelationKeys: [String: Set<String>] { [:] }

    /// A failed hook fails by default (Juju retries it).
    public func afterFailure(of event: HookEvent, reason: String) -> HookFailureVerdict? { nil }
}
