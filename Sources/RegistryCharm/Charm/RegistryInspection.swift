import JujuKit
import Logging

/// Looks at the registry container at the end of a hook and heals what died on its own, so that the status only
/// reads what was found.
///
/// A container that died or was removed is started or created again (never one an operator stopped); a crash loop
/// is told from a registry that came back; a container that changed or served otherwise last time is probed with
/// `GET /v2/` (see ``RegistryProbe``). What it finds goes to the hook state as ``RegistryFindings``.
struct RegistryInspection {
    let charm: RegistryCharm
    let session: RegistrySession

    /// Runs the inspection, unless the idle `update-status` check already found nothing to do.
    func run() async throws {
        guard session.state.idleStatus == nil else { return }
        let name = try await charm.prepared(session).config.registryName
        let findings: RegistryFindings
        do {
            findings = .container(try await containerState(name: name))
        } catch let error as DockerError {
            // dockerd died or hangs: say so, and let the next hook look again, rather than failing the hook.
            session.logger.error("cannot inspect the registry container: \(error)")
            findings = .engineUnavailable
        }
        session.state.findings = findings
    }

    /// What the registry container is doing; brings back a container that died or was removed on its own.
    private func containerState(name: String) async throws -> RegistryFindings.ContainerState {
        // The leader's collection holds the registry stopped, its twin serving: nothing to heal.
        if ReadOnlyWindow.isOpen(charm.environment) { return .readOnly }
        let report = session.state.reconcileReport
        if let reason = session.values[StateKeys.crashReason]?.stringValue, report?.watched == true {
            return .crashing(reason)
        }
        if report?.justStarted == true {
            if report?.probed != true, session.values[StateKeys.probeFailure] != nil,
                let info = try await charm.environment.docker.inspect(name)
            {
                let state = try await probe(info)
                if state == .serving { rememberServingProcess(info) }
                return state
            }
            let state = probedState()
            // A container this hook started has a new process: one read of it (over the engine's socket on a
            // unit) for the next idle update-status. An unchanged one still runs the process on record.
            if state == .serving, !ServingProcess.stillRuns(in: session, environment: charm.environment),
                let info = try await charm.environment.docker.inspect(name)
            {
                rememberServingProcess(info)
            }
            return state
        }
        let docker = charm.environment.docker
        let info = try await docker.inspect(name)
        let prepared = try await charm.prepared(session)
        let port = prepared.config.registryPort
        let mayStart = !session.flags.containsKnown(RegistryFlags.stoppedByOperator) && prepared.problems.isEmpty
        guard let info else {
            guard mayStart else { return .stopped }
            // Removed behind the charm's back (docker rm -f): only an operator's stop keeps it down.
            session.logger.warning("registry container \(name) is gone; creating it again")
            let recreated = try await charm.configure(session)
            if let reason = session.values[StateKeys.crashReason]?.stringValue { return .crashing(reason) }
            return recreated?.justStarted == true ? probedState() : .stopped
        }
        let health = RegistryHealth(docker: docker, pause: charm.environment.pause)
        let baseline = session.values[StateKeys.restartBaseline]?.intValue ?? 0
        if info.isRestarting {
            return crashing(await health.diagnose(info, port: port), name: name)
        }
        var restarted = false
        if info.isRunning && info.restartCount > baseline {
            // It restarted since it last served: a crash loop caught between attempts, or a registry that came
            // back. Watching it for a moment tells which.
            let verdict = try await health.watchAfterStart(name: name, port: port)
            if case .failing(let reason) = verdict { return crashing(reason, name: name) }
            RegistryHealth.record(verdict, in: session)
            restarted = true
        }
        if info.isRunning {
            session.values[StateKeys.crashReason] = nil
            let probedBefore = session.values[StateKeys.probedContainer]?.stringValue == info.id
            let state =
                restarted || !probedBefore || session.values[StateKeys.probeFailure] != nil
                ? try await probe(info) : .serving
            if state == .serving { rememberServingProcess(info) }
            return state
        }
        guard mayStart else { return .stopped }
        session.logger.warning("registry container \(name) had stopped (exit code \(info.exitCode)); starting it")
        do {
            try await docker.start(name)
        } catch {
            // Docker refused: the status says why (the start action would meet the same refusal).
            session.logger.error("could not restart \(name): \(error.description)")
            session.state.reconcileReport = ReconcileReport(failure: error.description)
            return .stopped
        }
        let verdict = try await health.watchAfterStart(name: name, port: port)
        if let reason = RegistryHealth.record(verdict, in: session) { return .crashing(reason) }
        return try await probe(info)
    }

    /// Records the process of `info`, found serving as configured, for the next idle `update-status` (see
    /// ``StateKeys/servingProcess``); only when nothing about it calls for another look.
    private func rememberServingProcess(_ info: ContainerInfo) {
        let baseline = session.values[StateKeys.restartBaseline]?.intValue ?? 0
        guard !info.isRestarting, info.restartCount == baseline,
            session.values[StateKeys.probedContainer]?.stringValue == info.id
        else {
            session.values[StateKeys.servingProcess] = nil
            return
        }
        session.values[StateKeys.servingProcess] = ServingProcess.record(info, charm.environment)
        do {
            try RegistryLogFile(files: charm.environment.files, paths: charm.environment.paths).update(info)
        } catch {
            session.logger.warning("cannot link the registry's log for log collectors: \(error)")
        }
    }

    /// Probes the running container `info` and records the verdict.
    private func probe(_ info: ContainerInfo) async throws -> RegistryFindings.ContainerState {
        let config = try await charm.prepared(session).config
        let mismatch = await RegistryServing(charm: charm, session: session).probe(container: info.id, config: config)
        return mismatch.map(RegistryFindings.ContainerState.misconfigured) ?? .serving
    }

    /// The state a probe earlier in this hook (or an earlier hook) left.
    private func probedState() -> RegistryFindings.ContainerState {
        session.values[StateKeys.probeFailure]?.stringValue.map(RegistryFindings.ContainerState.misconfigured)
            ?? .serving
    }

    /// Records and logs (once) why the container does not serve.
    private func crashing(_ reason: String, name: String) -> RegistryFindings.ContainerState {
        if session.values[StateKeys.crashReason]?.stringValue != reason {
            session.logger.error("\(name) keeps restarting: \(reason)")
        }
        session.values[StateKeys.crashReason] = .string(reason)
        return .crashing(reason)
    }
}

/// What ``RegistryInspection`` found in this hook; the status reads it and nothing else about the container.
enum RegistryFindings {
    /// What the registry container is doing.
    enum ContainerState: Equatable {
        /// Up, not restarting since it last served, and answering as configured.
        case serving
        /// Stopped or absent, and the charm may not start it (an operator's stop, invalid config).
        case stopped
        /// A read-only twin serves its port while the leader collects garbage (``SharedCollection``).
        case readOnly
        /// docker keeps restarting it: it exits at start, for this reason.
        case crashing(String)
        /// It runs but answers otherwise than configured, as this clause says.
        case misconfigured(String)
    }

    /// The container, as found.
    case container(ContainerState)
    /// dockerd does not answer.
    case engineUnavailable
}
