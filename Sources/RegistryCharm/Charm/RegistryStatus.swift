import JujuKit
import Logging

/// Works out the unit's status at the end of every hook, and restarts a registry that died on its own.
struct RegistryStatus {
    let charm: RegistryCharm
    let session: HookSession

    /// What an `update-status` found before its other handlers ran: the status to keep when it has nothing to do.
    struct IdleVerdict {
        var status: WorkloadStatus
    }

    /// Runs first in `update-status`: decides, without the configuration, whether there is anything to do; when
    /// there is, reads the configuration so that the handlers after it (a pending reconcile, a file to restore) run
    /// in this hook.
    func checkIdle() async throws {
        if !session.configLoaded, let unchanged = try await idleStatus() {
            session.scratch[IdleVerdict.self] = IdleVerdict(status: unchanged)
        } else {
            try await charm.ensureConfig(session)
        }
    }

    func report() async throws {
        if let idle = session.scratch[IdleVerdict.self] {
            session.status.report(idle.status)
            return
        }
        try await charm.ensureConfig(session)
        let flags = session.flags
        let status = session.status
        let prepared = session.prepared
        let name = prepared.config.registryName
        if flags.containsKnown(RegistryFlags.seriesUpgrade) {
            status.report(.blocked("Series upgrade in progress; the registry resumes after post-series-upgrade."))
            return
        }
        if session.context.event == .unit(.stop) || session.context.event == .unit(.remove) {
            status.report(.maintenance("Removing the registry."))
            return
        }
        if !prepared.problems.isEmpty {
            status.report(.blocked(prepared.problems.blockedMessage))
        }
        guard flags.containsKnown(RegistryFlags.dockerReady) else {
            status.report(.waiting("Waiting for the docker engine to be installed."))
            return
        }
        // Looking at the container may reconcile again (a container removed behind the charm's back), so a start
        // failure is read only after it, from what this hook's reconciles reported.
        var state: ContainerState?
        if flags.containsKnown(RegistryFlags.configured) {
            do {
                state = try await containerState(name: name)
            } catch {
                // dockerd died or hangs: say so, and let the next hook look again, rather than failing the hook.
                session.logger.error("cannot inspect the registry container: \(error)")
                status.report(
                    .blocked("The docker engine does not answer; check dockerd on this machine (docker info).")
                )
                return
            }
        }
        if let failure = session.reconcileReport?.failure {
            // Docker refused the container this hook asked for: the start action would not help.
            status.report(.blocked("Could not start \(name): \(failure). Fix the configuration, e.g. registry-image."))
            return
        }
        switch state {
        case nil:
            status.report(.waiting("Waiting for a valid configuration to start the registry."))
        case .serving:
            if let pending = pendingCertificateStatus { status.report(pending) }
            status.report(readyStatus)
        case .stopped:
            status.report(.blocked("\(name) container is stopped. Run the start action to start it."))
        case .crashing(let reason):
            let hint =
                reason.hasPrefix("port ")
                ? "Free the port or set another registry-port."
                : "Fix the configuration; juju debug-log has the registry's log."
            status.report(.blocked("\(name) keeps restarting: \(reason). \(hint)"))
        }
    }

    /// `Ready at <netloc> (<scheme>[, proxied]).`, from what the last reconcile recorded.
    private var readyStatus: WorkloadStatus {
        let values = session.values
        let netloc = values[StateKeys.netloc]?.stringValue ?? values[StateKeys.address]?.stringValue ?? "unknown"
        let scheme = values[StateKeys.scheme]?.stringValue ?? "http"
        let proxied = values[StateKeys.proxied]?.boolValue == true ? ", proxied" : ""
        let note = values[StateKeys.storageNote]?.stringValue.map { " " + $0 } ?? ""
        return .active("Ready at \(netloc) (\(scheme)\(proxied)).\(note)")
    }

    /// What the cert-provider relation calls for while its certificate is not applied, if anything.
    private var pendingCertificateStatus: WorkloadStatus? {
        guard let pending = session.values[StateKeys.certificateStatus]?.objectValue,
            let state = pending["state"]?.stringValue.flatMap(WorkloadStatus.State.init(rawValue:)),
            let message = pending["message"]?.stringValue
        else { return nil }
        return WorkloadStatus(state, message)
    }

    /// What the registry container is doing.
    enum ContainerState: Equatable {
        /// Up, and not restarting since it last served.
        case serving
        /// Stopped or absent, and the charm may not start it (an operator's stop, invalid config).
        case stopped
        /// docker keeps restarting it: it exits at start, for this reason.
        case crashing(String)
    }

    /// The status to keep in an `update-status` with nothing to do, found without reading the configuration.
    ///
    /// The container the last hook ran is up and that hook's status said so; `nil` sends the hook down the full path.
    private func idleStatus() async throws -> WorkloadStatus? {
        let flags = session.flags
        guard flags.containsKnown(RegistryFlags.dockerReady), flags.containsKnown(RegistryFlags.configured),
            !flags.containsKnown(RegistryFlags.seriesUpgrade), !flags.containsKnown(RegistryFlags.reconcilePending),
            !flags.containsKnown(RegistryFlags.stoppedByOperator),
            let last = session.status.lastSet, last == pendingCertificateStatus ?? readyStatus,
            let name = session.values[StateKeys.containerName]?.stringValue
        else { return nil }
        let info: ContainerInfo?
        do {
            info = try await charm.environment.docker.inspect(name)
        } catch {
            return nil
        }
        // The full path, should it follow, needs no second read.
        session.scratch[InspectedContainer.self] = InspectedContainer(name: name, info: info)
        let baseline = session.values[StateKeys.restartBaseline]?.intValue ?? 0
        guard let info, info.isRunning, !info.isRestarting, info.restartCount == baseline else { return nil }
        return last
    }

    /// A container read earlier in this hook, by name.
    struct InspectedContainer {
        var name: String
        var info: ContainerInfo?
    }

    /// What the container does; brings back a container that died or was removed on its own (never one an
    /// operator stopped), and tells a crash loop from a registry that serves.
    private func containerState(name: String) async throws -> ContainerState {
        let report = session.reconcileReport
        if let reason = session.values[StateKeys.crashReason]?.stringValue, report?.watched == true {
            return .crashing(reason)
        }
        if report?.justStarted == true { return .serving }
        let docker = charm.environment.docker
        let info: ContainerInfo?
        if let known = session.scratch[InspectedContainer.self], known.name == name {
            info = known.info
        } else {
            info = try await docker.inspect(name)
        }
        let config = session.prepared
        let mayStart = !session.flags.containsKnown(RegistryFlags.stoppedByOperator) && config.problems.isEmpty
        guard let info else {
            guard mayStart else { return .stopped }
            // Removed behind the charm's back (docker rm -f): only an operator's stop keeps it down.
            session.logger.warning("registry container \(name) is gone; creating it again")
            let recreated = try await charm.configure(session)
            if let reason = session.values[StateKeys.crashReason]?.stringValue { return .crashing(reason) }
            return recreated?.justStarted == true ? .serving : .stopped
        }
        let health = RegistryHealth(docker: docker, pause: charm.environment.pause)
        let baseline = session.values[StateKeys.restartBaseline]?.intValue ?? 0
        if info.isRestarting {
            return crashing(await health.diagnose(info, port: config.config.registryPort), name: name)
        }
        if info.isRunning && info.restartCount > baseline {
            // It restarted since it last served: a crash loop caught between attempts, or a registry that came
            // back. Watching it for a moment tells which.
            let verdict = try await health.watchAfterStart(name: name, port: config.config.registryPort)
            if case .failing(let reason) = verdict { return crashing(reason, name: name) }
            RegistryHealth.record(verdict, in: session)
        }
        if info.isRunning {
            session.values[StateKeys.crashReason] = nil
            return .serving
        }
        guard mayStart else { return .stopped }
        session.logger.warning("registry container \(name) had stopped (exit code \(info.exitCode)); starting it")
        do {
            try await docker.start(name)
        } catch {
            // Docker refused: the status says why (the start action would meet the same refusal).
            session.logger.error("could not restart \(name): \(error.description)")
            session.scratch[ReconcileReport.self] = ReconcileReport(failure: error.description)
            return .stopped
        }
        let verdict = try await health.watchAfterStart(name: name, port: config.config.registryPort)
        if let reason = RegistryHealth.record(verdict, in: session) { return .crashing(reason) }
        return .serving
    }

    /// Records and logs (once) why the container does not serve.
    private func crashing(_ reason: String, name: String) -> ContainerState {
        if session.values[StateKeys.crashReason]?.stringValue != reason {
            session.logger.error("\(name) keeps restarting: \(reason)")
        }
        session.values[StateKeys.crashReason] = .string(reason)
        return .crashing(reason)
    }
}
