import JujuKit
import Logging

/// The read-only registry on `pull-port` that serves pull-only accounts and anonymous pulls.
///
/// distribution's htpasswd has no roles, so pull-only accounts are made by construction: a second container of the
/// registry's image, over the same storage (the same mounts), configured with `storage.maintenance.readonly` (the
/// registry itself refuses every push with `405 UNSUPPORTED`) and the htpasswd of the push and pull accounts, or no
/// auth at all with anonymous pull. The registry on `registry-port` knows only the push accounts. Both read their
/// htpasswd from a mounted directory, so a new revision of `auth-accounts` applies without a restart (distribution
/// re-reads the file when it changes).
///
/// Unchanged, it costs nothing but a `/proc` read: the process last found serving is kept in the unit state
/// (``StateKeys/pullListener``), as ``ServingProcess`` does for the registry.
struct PullListener {
    let session: RegistrySession
    let environment: CharmEnvironment

    /// The pull listener's container for the registry container `registryName`.
    static func containerName(_ registryName: String) -> String { registryName + ".charm-pull" }

    /// What the pull listener should be: its container, port and the answer it must give.
    struct Plan {
        /// The container.
        var spec: ContainerSpec
        /// Where it listens.
        var port: Int
        /// The TLS files it serves with (the registry's), `nil` for plain http.
        var tls: TLSOptions?
        /// Whether it asks for credentials (not with anonymous pull).
        var authentication: Bool
    }

    /// Brings the pull listener in line with `plan`; `nil` removes the one a previous configuration started.
    ///
    /// A listener that does not serve as planned is recorded (``StateKeys/pullListenerProblem``) for the status; the
    /// registry on `registry-port` is not affected.
    func reconcile(_ plan: Plan?, startIfStopped: Bool) async throws {
        let record = session.values[StateKeys.pullListener]?.objectValue
        let recordedName = record?["name"]?.stringValue
        guard let plan else {
            if let recordedName {
                try await environment.containers.remove(recordedName)
                session.logger.info("removed the pull listener \(recordedName)")
            }
            session.values[StateKeys.pullListener] = nil
            session.values[StateKeys.pullListenerProblem] = nil
            return
        }
        if let recordedName, recordedName != plan.spec.name {
            try await environment.containers.remove(recordedName)
        }
        let digest = environment.containers.specDigest(plan.spec)
        if let record, record["name"]?.stringValue == plan.spec.name, record["specDigest"]?.stringValue == digest,
            Self.recordedProcessRuns(record, environment)
        {
            return
        }
        let outcome = try await environment.containers.reconcile(plan.spec, startIfStopped: startIfStopped)
        guard outcome != .keptStopped else {
            session.values[StateKeys.pullListener] = nil
            return
        }
        if outcome != .unchanged { session.logger.info("pull listener \(plan.spec.name): \(outcome)") }
        let health = RegistryHealth(docker: environment.docker, pause: environment.pause)
        var problem: String?
        switch try await health.watchAfterStart(name: plan.spec.name, port: plan.port) {
        case .failing(let reason):
            problem = "keeps restarting: \(reason)"
        case .serving:
            let served = plan.tls.flatMap { ServedTLSFiles.read($0, files: environment.files) }
            if plan.tls != nil, served == nil {
                problem = "cannot be checked: the registry's certificate cannot be read"
                break
            }
            let probe = RegistryProbe(transport: environment.registryTransport, pause: environment.pause)
            let expected = RegistryProbe.Expectation(port: plan.port, tls: served, authentication: plan.authentication)
            if case .mismatch(let reason) = await probe.check(expected) {
                problem = "does not serve as configured: \(reason)"
            }
        }
        if let problem, session.values[StateKeys.pullListenerProblem]?.stringValue != problem {
            session.logger.error("the pull listener \(plan.spec.name) \(problem)")
        }
        session.values[StateKeys.pullListenerProblem] = problem.map(JSONValue.string)
        guard problem == nil, let info = try await environment.docker.inspect(plan.spec.name),
            let start = environment.processes.startTime(of: info.pid)
        else {
            session.values[StateKeys.pullListener] = nil
            session.flags.set(RegistryFlags.reconcilePending)
            return
        }
        session.values[StateKeys.pullListener] = .object([
            "name": .string(plan.spec.name), "specDigest": .string(digest), "pid": .int(info.pid),
            "start": .string(start), "port": .int(plan.port),
        ])
    }

    /// Whether the pull listener on record, if any, still runs the process found serving (one `/proc` read): an
    /// idle `update-status` then needs nothing else.
    static func stillRunsIfRecorded(in session: RegistrySession, environment: CharmEnvironment) -> Bool {
        guard let record = session.values[StateKeys.pullListener]?.objectValue else { return true }
        return recordedProcessRuns(record, environment)
    }

    private static func recordedProcessRuns(_ record: [String: JSONValue], _ environment: CharmEnvironment) -> Bool {
        guard let pid = record["pid"]?.intValue, let start = record["start"]?.stringValue else { return false }
        return environment.processes.startTime(of: pid) == start
    }
}
