/// A reactive handler: a named piece of work that runs when its flag conditions hold, in a session carrying the
/// charm's hook `State`.
public struct Handler<State: AnyObject> {
    /// Where a handler may run.
    public enum Scope: Sendable {
        /// In hooks only (the default).
        case hooks
        /// In actions only.
        case actions
        /// In hooks and actions.
        case all
    }

    /// The handler's name, for logs and errors.
    public var name: String
    /// Flags that must all be set.
    public var when: [Flag]
    /// Flags that must all be unset.
    public var whenNot: [Flag]
    /// Flags of which at least one must be set (ignored when empty).
    public var whenAny: [Flag]
    /// Where the handler may run.
    public var scope: Scope
    /// The work.
    public var body: (HookSession<State>) async throws -> Void

    /// Creates a handler.
    ///
    /// Conditions are tested in order `whenNot`, `when`, `whenAny`, so list cheap flags first and lazy ones (such as
    /// `.leader`) last.
    public init(
        _ name: String,
        when: [Flag] = [],
        whenNot: [Flag] = [],
        whenAny: [Flag] = [],
        scope: Scope = .hooks,
        _ body: @escaping (HookSession<State>) async throws -> Void
    ) {
        self.name = name
        self.when = when
        self.whenNot = whenNot
        self.whenAny = whenAny
        self.scope = scope
        self.body = body
    }

    /// Every flag the handler's conditions read.
    public var watchedFlags: [Flag] { whenNot + when + whenAny }

    /// Whether the handler's conditions hold now.
    func conditionsHold(in flags: FlagStore) async throws -> Bool {
        for flag in whenNot where try await flags.contains(flag) { return false }
        for flag in when where !(try await flags.contains(flag)) { return false }
        if whenAny.isEmpty { return true }
        for flag in whenAny where try await flags.contains(flag) { return true }
        return false
    }
}
