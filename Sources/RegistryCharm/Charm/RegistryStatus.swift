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
        let name = charm.config.registryName
        if flags.containsKnown(RegistryFlags.seriesUpgrade) {
            status.report(.blocked("Series upgrade in progress; the registry resumes after post-series-upgrade."))
            return
        }
        if session.context.event == .unit(.stop) || session.context.event == .unit(.remove) {
            status.report(.maintenance("Removing the registry."))
            return
        }
        if !charm.problems.isEmpty {
            status.report(.blocked(charm.problems.blockedMessage))
        }
        if let failure = charm.startFailure {
            status.report(.blocked("Could not start \(name): \(failure). Fix the configuration, e.g. registry-image."))
        }
        guard flags.containsKnown(RegistryFlags.dockerReady) else {
            status.report(.waiting("Waiting for the docker engine to be installed."))
            return
        }
        guard flags.containsKnown(RegistryFlags.configured) else {
            status.report(.waiting("Waiting for a valid configuration to start the registry."))
            return
        }
        let running: Bool
        do {
            running = try await containerRunning(name: name)
        } catch {
            // dockerd died or hangs: say so, and let the next hook look again, rather than failing the hook.
            session.logger.error("cannot inspect the registry container: \(error.description)")
            status.report(.blocked("The docker engine does not answer; check dockerd on this machine (docker info)."))
            return
        }
        if running {
            if let pending = session.values[StateKeys.certificateStatus]?.objectValue,
                let state = pending["state"]?.stringValue.flatMap(WorkloadStatus.State.init(rawValue:)),
                let message = pending["message"]?.stringValue
            {
                status.report(WorkloadStatus(state, message))
            }
            let values = session.values
            let netloc = values[StateKeys.netloc]?.stringValue ?? values[StateKeys.address]?.stringValue ?? "unknown"
            let scheme = values[StateKeys.scheme]?.stringValue ?? "http"
            let proxied = values[StateKeys.proxied]?.boolValue == true ? ", proxied" : ""
            status.report(.active("Ready at \(netloc) (\(scheme)\(proxied))."))
        } else {
            status.report(.blocked("\(name) container is stopped. Run the start action to start it."))
        }
    }

    /// The status to keep in an `update-status` with nothing to do, found without reading the configuration.
    ///
    /// The container the last hook ran is up and that hook's status said so; `nil` sends the hook down the full path.
    private func idleStatus() async throws -> WorkloadStatus? {
        let flags = session.flags
        guard flags.containsKnown(RegistryFlags.dockerReady), flags.containsKnown(RegistryFlags.configured),
            !flags.containsKnown(RegistryFlags.seriesUpgrade), !flags.containsKnown(RegistryFlags.reconcilePending),
            !flags.containsKnown(RegistryFlags.stoppedByOperator),
            let last = session.status.lastSet, last.state == .active || last.state == .waiting,
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
        guard let info, info.isRunning, !info.isRestarting else { return nil }
        return last
    }

    /// A container read earlier in this hook, by name.
    struct InspectedContainer {
        var name: String
        var info: ContainerInfo?
    }

    /// Whether the registry runs; starts it when it died on its own (not when an operator stopped it).
    private func containerRunning(name: String) async throws(DockerError) -> Bool {
        if charm.containerJustStarted { return true }
        let docker = charm.environment.docker
        let info: ContainerInfo?
        if let known = session.scratch[InspectedContainer.self], known.name == name {
            info = known.info
        } else {
            info = try await docker.inspect(name)
        }
        guard let info else { return false }
        if info.isRunning || info.isRestarting { return true }
        guard !session.flags.containsKnown(RegistryFlags.stoppedByOperator), charm.problems.isEmpty else {
            return false
        }
        session.logger.warning("registry container \(name) had stopped (exit code \(info.exitCode)); starting it")
        do {
            try await docker.start(name)
            return true
        } catch {
            session.logger.error("could not restart \(name): \(error.description)")
            return false
        }
    }
}
