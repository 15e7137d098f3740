import Logging

/// One running action: its name, parameters, progress lines and results.
///
/// Everything leaving through it (`action-log` lines, `action-set` values) passes the session's secret mask first.
/// Results are collected and sent with one `action-set` when the action ends, even when it fails part-way, so an
/// operator sees what was done.
public final class ActionContext<State: AnyObject> {
    /// The action's name, such as `push`.
    public let name: String
    /// The parameters.
    public let parameters: ActionParameters
    /// The hook session the action runs in (flags, config, values, status).
    public let session: HookSession<State>
    /// The results so far.
    public private(set) var results: [String: String] = [:]

    /// Creates the context of action `name`.
    public init(name: String, parameters: ActionParameters, session: HookSession<State>) {
        self.name = name
        self.parameters = parameters
        self.session = session
    }

    /// Sends a progress line to `juju run` (`action-log`) and to the unit log.
    public func log(_ message: String) async {
        let safe = session.secrets.mask(message)
        session.logger.info("\(name): \(safe)")
        try? await session.tools.actionLog(safe)
    }

    /// Records the result `key` (lower-case letters, digits and hyphens, dot-separated for nesting).
    public func set(_ key: String, _ value: String) {
        results[key] = session.secrets.mask(value)
    }

    /// Sends the collected results with `action-set` (nothing when there are none).
    public func sendResults() async throws {
        guard !results.isEmpty else { return }
        try await session.tools.actionSet(results)
    }
}
