import FoundationEssentials
public import Logging

/// Runs one hook or action for a charm: load state, derive flags, run handlers, set status, commit.
///
/// Cost of a hook with nothing to do: `state-get` and `config-get` (none for a charm that skips the configuration
/// in that hook), nothing else; `status-set` and `state-set` run only when something changed.
public struct CharmDispatcher {
    /// What a dispatch did, for tests and the exit code.
    public struct Outcome: Sendable, Equatable {
        /// The process exit code: 0, or 1 when a hook failed (Juju then discards its buffered writes).
        public var exitCode: Int32
        /// The handlers that ran, in order.
        public var handlersRun: [String]
        /// The error that stopped the hook, if any.
        public var failure: String?
    }

    private let context: HookContext
    private let tools: any HookTools
    private let digest: @Sendable ([UInt8]) -> String
    private let logLevel: Logger.Level
    private let standardError: @Sendable (String) -> Void
    private let statusMarker: StatusMarker?

    /// Creates a dispatcher.
    ///
    /// - Parameters:
    ///   - context: the hook context.
    ///   - tools: the hook tools.
    ///   - digest: a stable digest of bytes (the charm passes SHA-256).
    ///   - logLevel: the least level sent to `juju-log`.
    ///   - standardError: where failures are also written (Juju logs a hook's stderr).
    ///   - statusMarker: marks a status set by a hook whose state is not committed yet (see ``StatusMarker``).
    public init(
        context: HookContext,
        tools: any HookTools,
        digest: @escaping @Sendable ([UInt8]) -> String,
        logLevel: Logger.Level = .info,
        standardError: @escaping @Sendable (String) -> Void = { _ in },
        statusMarker: StatusMarker? = nil
    ) {
        self.statusMarker = statusMarker
        self.context = context
        self.tools = tools
        self.digest = digest
        self.logLevel = logLevel
        self.standardError = standardError
    }

    /// Runs the event for `charm`.
    public func run(_ charm: some Charm) async -> Outcome {
        let secrets = SecretMask()
        let buffer = LogBuffer()
        let logger = Logger(label: "charm") { _ in JujuLogHandler(buffer: buffer, secrets: secrets, level: logLevel) }
        var handlersRun: [String] = []
        var stateBefore: UnitState?
        do {
            let loadedState = try await tools.stateGet()
            let (state, stateLoss) = StateLoss.read(loadedState, event: context.event)
            stateBefore = state
            // Juju runs config-changed before any other hook after a change, so a charm may skip config-get where
            // it knows nothing changed; the digests recorded by the last hook then stand.
            let config = charm.needsConfig(for: context.event) ? try await tools.configGet() : nil
            let configDigests =
                config?.mapValues { value in digest(Array(JSONText.encode(value).utf8)) } ?? state.configDigests
            let changed = Set(configDigests.keys.filter { state.configDigests[$0] != configDigests[$0] })
                .union(state.configDigests.keys.filter { configDigests[$0] == nil })

            let flags = FlagStore(state.flags)
            for name in changed { flags.set(.configChanged(name)) }
            if !changed.isEmpty { flags.set(.configChanged) }
            for (name, value) in config ?? [:] where isTruthy(value) { flags.set(.configSet(name)) }
            flags.set(context.event.isAction ? .action(context.event.name) : .hook(context.event.name))
            flags.provide(prefix: Flag.leader.rawValue) { [tools] _ in try await tools.isLeader() }
            flags.provide(prefix: "endpoint.") { [tools] flag in try await Self.anyUnitJoined(flag, tools: tools) }

            let status = StatusReporter(tools: tools, secrets: secrets, lastSet: state.status, marker: statusMarker)
            let session = HookSession(
                context: context,
                tools: tools,
                flags: flags,
                config: config,
                status: status,
                secrets: secrets,
                logger: logger,
                values: state.values,
                digest: digest,
                rememberedRelationKeys: charm.rememberedRelationKeys,
                state: charm.makeHookState()
            )
            if let stateLoss {
                // Never a silent reset: the charm rebuilds what it can from the machine and logs what is gone.
                logger.warning("\(stateLoss); the charm rebuilds what the machine still shows")
                session.stateLoss = stateLoss
            }

            try await charm.prepare(session)
            let engine = ReactiveEngine(handlers: charm.handlers()) { _ in await flush(buffer) }
            handlersRun = try await engine.run(session)
            try await charm.assessStatus(session)
            try await status.commit()
            await flush(buffer)

            let newState = UnitState(
                flags: flags.persistent,
                configDigests: configDigests,
                values: session.values,
                status: status.lastSet
            )
            // Compared as values: an idle hook neither encodes nor writes the state.
            if newState != state {
                try await tools.stateSet([UnitState.stateKey: newState.encoded()])
            }
            // The state records the status shown now; Juju commits it when this process exits 0.
            try? statusMarker?.clear()
            return Outcome(exitCode: 0, handlersRun: handlersRun, failure: nil)
        } catch {
            let message = secrets.mask("\(error)")
            await flush(buffer)
            standardError("\(context.event.name) failed: \(message)\n")
            try? await tools.jujuLog("\(context.event.name) failed: \(message)", level: .error)
            if context.event.isAction {
                // The action fails with a sentence; the unit state is not committed.
                try? await tools.actionFail("The action failed: \(message).")
                return Outcome(exitCode: 0, handlersRun: handlersRun, failure: message)
            }
            if let stateBefore, !Self.isHookToolFailure(error),
                let verdict = charm.afterFailure(of: context.event, reason: String(message.prefix(300)))
            {
                do {
                    try await keep(verdict, over: stateBefore, secrets: secrets)
                    return Outcome(exitCode: 0, handlersRun: handlersRun, failure: message)
                } catch {
                    standardError("could not record the failure's status: \(error)\n")
                }
            }
            return Outcome(exitCode: 1, handlersRun: handlersRun, failure: message)
        }
    }

    /// Whether `error` is Juju's hook tools failing (Juju's retry of the hook is then the remedy).
    static func isHookToolFailure(_ error: any Error) -> Bool {
        if error is HookToolError { return true }
        if case .handlerFailed(_, _, let hookToolFailed) = error as? EngineError { return hookToolFailed }
        return false
    }

    /// Ends a failed hook the charm's way: its status shown and its flags added to the state the last successful
    /// hook left; nothing else the failed hook did is kept.
    private func keep(_ verdict: HookFailureVerdict, over state: UnitState, secrets: SecretMask) async throws {
        let status = StatusReporter(tools: tools, secrets: secrets, lastSet: state.status, marker: statusMarker)
        status.report(verdict.status)
        try await status.commit()
        let flags = FlagStore(state.flags)
        for flag in verdict.flags { flags.set(flag) }
        let kept = UnitState(
            flags: flags.persistent,
            configDigests: state.configDigests,
            values: state.values,
            status: status.lastSet
        )
        if kept != state { try await tools.stateSet([UnitState.stateKey: kept.encoded()]) }
        try? statusMarker?.clear()
    }

    /// Answers `endpoint.<name>.joined`: whether any relation of the endpoint has a remote unit.
    static func anyUnitJoined(_ flag: Flag, tools: any HookTools) async throws -> Bool {
        let name = flag.rawValue.dropFirst("endpoint.".count)
        guard name.hasSuffix(".joined") else { return false }
        let endpoint = String(name.dropLast(".joined".count))
        for relation in try await tools.relationIDs(endpoint: endpoint)
        where !(try await tools.relationUnits(relationID: relation)).isEmpty {
            return true
        }
        return false
    }

    private func flush(_ buffer: LogBuffer) async {
        for line in buffer.drain() {
            do {
                try await tools.jujuLog(line.message, level: line.level)
            } catch {
                standardError("\(line.level.rawValue): \(line.message)\n")
            }
        }
    }
}

/// Whether a config value counts as set, as charms.reactive's `config.set.<option>` defines it.
func isTruthy(_ value: JSONValue) -> Bool {
    switch value {
    case .null: return false
    case .bool(let flag): return flag
    case .int(let number): return number != 0
    case .double(let number): return number != 0
    case .string(let text): return !text.isEmpty
    case .array(let items): return !items.isEmpty
    case .object(let members): return !members.isEmpty
    }
}
