/// Runs handlers to a fixpoint: every handler whose conditions hold runs, and runs again within the hook only if
/// a flag it watches changed since its last run.
public struct ReactiveEngine<State: AnyObject> {
    /// The handlers, tried in this order on every pass.
    public var handlers: [Handler<State>]
    /// Passes after which the engine gives up (a handler pair toggling a flag forever).
    public var maxPasses: Int
    /// Called after each handler that ran (for example to send queued log lines).
    public var afterEach: (Handler<State>) async -> Void

    /// Creates an engine.
    public init(
        handlers: [Handler<State>],
        maxPasses: Int = 20,
        afterEach: @escaping (Handler<State>) async -> Void = { _ in }
    ) {
        self.handlers = handlers
        self.maxPasses = maxPasses
        self.afterEach = afterEach
    }

    /// Runs the handlers that apply to the session's event to a fixpoint.
    ///
    /// - Returns: the names of the handlers that ran, in order (a handler may appear more than once).
    /// - Throws: `EngineError.handlerFailed` when a handler throws (later handlers do not run),
    ///   `EngineError.noFixpoint` when flags keep changing after `maxPasses` passes.
    @discardableResult
    public func run(_ session: HookSession<State>) async throws(EngineError) -> [String] {
        let isAction = session.context.event.isAction
        let eligible = handlers.filter { handler in
            switch handler.scope {
            case .all: return true
            case .hooks: return !isAction
            case .actions: return isAction
            }
        }
        var lastSnapshot: [Int: [Bool]] = [:]
        var ran: [String] = []
        for _ in 0..<maxPasses {
            var progressed = false
            for (index, handler) in eligible.enumerated() {
                do {
                    guard try await handler.conditionsHold(in: session.flags) else { continue }
                    let snapshot = handler.watchedFlags.map { session.flags.containsKnown($0) }
                    if lastSnapshot[index] == snapshot { continue }
                    try await handler.body(session)
                    ran.append(handler.name)
                    await afterEach(handler)
                    // Record what the handler saw after itself ran: its own flag changes do not re-trigger it.
                    lastSnapshot[index] = handler.watchedFlags.map { session.flags.containsKnown($0) }
                    progressed = true
                } catch let error as EngineError {
                    throw error
                } catch {
                    await afterEach(handler)
                    throw .handlerFailed(
                        handler: handler.name,
                        reason: "\(error)",
                        hookToolFailed: error is HookToolError
                    )
                }
            }
            if !progressed { return ran }
        }
        throw .noFixpoint(lastHandlers: Array(ran.suffix(5)))
    }
}

/// Why the engine stopped.
public enum EngineError: Error, Equatable, CustomStringConvertible {
    /// A handler threw; `hookToolFailed` when what failed was one of Juju's hook tools (a retry may succeed).
    case handlerFailed(handler: String, reason: String, hookToolFailed: Bool)
    /// Flags were still changing after the allowed number of passes.
    case noFixpoint(lastHandlers: [String])

    /// A lower-case message naming the handler.
    public var description: String {
        switch self {
        case .handlerFailed(let handler, let reason, _): return "handler \(handler) failed: \(reason)"
        case .noFixpoint(let names):
            return "handlers did not settle; the last to run were \(names.joined(separator: ", "))"
        }
    }
}
