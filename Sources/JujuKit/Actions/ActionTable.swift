import Logging

/// The actions a charm answers, and the one handler that runs them.
///
/// The handler reads the parameters with `action-get`, runs the action named by the event, sends its results with
/// `action-set`, and turns any thrown error into `action-fail` with one sentence. Unlike an error escaping the
/// handler (which fails the action and drops the unit state), a failure caught here keeps the state the action
/// changed before failing.
public struct ActionTable<State: AnyObject> {
    /// One action: whether it needs the charm to be ready, and its work.
    public struct Entry {
        /// Whether the action refuses to run before `readyFlag` is set.
        public var needsReady: Bool
        /// The work.
        public var run: (ActionContext<State>) async throws -> Void

        /// Creates an entry.
        public init(needsReady: Bool = true, _ run: @escaping (ActionContext<State>) async throws -> Void) {
            self.needsReady = needsReady
            self.run = run
        }
    }

    /// The actions by name.
    public var entries: [String: Entry]
    /// The flag that says the charm is ready for actions.
    public var readyFlag: Flag
    /// The sentence an action that needs readiness fails with before `readyFlag` is set.
    public var notReadyMessage: String

    /// Creates a table.
    public init(_ entries: [String: Entry], readyFlag: Flag, notReadyMessage: String) {
        self.entries = entries
        self.readyFlag = readyFlag
        self.notReadyMessage = notReadyMessage
    }

    /// The handler (scope `.actions`) that runs whichever action the event names.
    public func handler(name: String = "run-action") -> Handler<State> {
        Handler(name, scope: .actions) { session in try await self.run(session) }
    }

    /// Runs the event's action in `session`.
    public func run(_ session: HookSession<State>) async throws {
        let name = session.context.event.name
        guard let entry = entries[name] else {
            try await session.tools.actionFail("The \(name) action is not known to this charm.")
            return
        }
        if entry.needsReady, !session.flags.containsKnown(readyFlag) {
            try await session.tools.actionFail(notReadyMessage)
            return
        }
        let action = ActionContext(
            name: name,
            parameters: ActionParameters(try await session.tools.actionGet()),
            session: session
        )
        let failure: String?
        do {
            try await entry.run(action)
            failure = nil
        } catch let error as ActionFailure {
            failure = error.message
        } catch {
            failure = "The \(name) action failed: \(error)."
        }
        try await action.sendResults()
        if let failure {
            let safe = session.secrets.mask(failure)
            session.logger.warning("\(name) failed: \(safe)")
            try await session.tools.actionFail(safe)
        }
    }
}
