/// A charm as the dispatcher drives it: handlers for hooks and actions, and a status at the end of each hook.
public protocol Charm {
    /// Prepares the session before any handler runs: registers secrets, lazy flag providers, derived flags.
    func prepare(_ session: HookSession) async throws
    /// The handlers, in the order they are tried.
    func handlers() -> [Handler]
    /// Reports the unit's status; runs after the handlers settle, in every hook and action.
    func assessStatus(_ session: HookSession) async throws
}

extension Charm {
    /// Nothing to prepare by default.
    public func prepare(_ session: HookSession) async throws {}
}
