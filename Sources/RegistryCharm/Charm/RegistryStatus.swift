import JujuKit
import Logging

/// Works out the unit's status at the end of every hook from what the hook found; it never acts (healing is
/// ``RegistryInspection``'s, which runs before it).
struct RegistryStatus {
    let charm: RegistryCharm
    let session: RegistrySession

    /// Runs first in `update-status`: decides, without the configuration, whether there is anything to do; when
    /// there is, reads the configuration so that the handlers after it (a pending reconcile, a file to restore) run
    /// in this hook.
    func checkIdle() async throws {
        if !session.configLoaded, let unchanged = idleStatus() {
            session.state.idleStatus = unchanged
        } else {
            try await charm.prepared(session)
            if !PullListener.stillRunsIfRecorded(in: session, environment: charm.environment) {
                // It restarted or stopped since it last served: this hook reconciles (and probes) it again.
                session.flags.set(RegistryFlags.reconcilePending)
            }
        }
    }

    func report() async throws {
        if let idle = session.state.idleStatus {
            session.status.report(idle)
            record(servingWarnings)
            return
        }
        let prepared = try await charm.prepared(session)
        let flags = session.flags
        let status = session.status
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
        if let failure = session.state.reconcileReport?.writeFailure {
            status.report(.blocked(failure))
            return
        }
        if let failure = session.state.reconcileReport?.failure {
            // Docker refused the container or its image this hook asked for: the start action would not help.
            status.report(.blocked("Could not start \(name): \(failure). Fix the configuration, e.g. registry-image."))
            return
        }
        guard flags.containsKnown(RegistryFlags.configured) else {
            status.report(.waiting("Waiting for a valid configuration to start the registry."))
            return
        }
        switch session.state.findings {
        case nil:
            status.report(.waiting("Waiting for a valid configuration to start the registry."))
        case .engineUnavailable:
            status.report(.blocked("The docker engine does not answer; check dockerd on this machine (docker info)."))
        case .container(.serving):
            if let pending = pendingCertificateStatus { status.report(pending) }
            if let problem = session.values[StateKeys.pullListenerProblem]?.stringValue {
                let port = prepared.config.pullPort
                status.report(
                    .blocked(
                        "The pull-only registry on port \(port) \(problem). Pushes are served on"
                            + " \(prepared.config.registryPort); free port \(port) or set another pull-port."
                    )
                )
            }
            let warnings = servingWarnings
            if let expired = warnings.first(where: { $0.check == .certificateExpired }) {
                status.report(.blocked(expired.statusNote))
            }
            status.report(readyStatus(warnings))
            record(warnings)
        case .container(.readOnly):
            status.report(
                .maintenance("Read-only while the leader collects garbage: pulls are served, pushes are refused.")
            )
        case .container(.stopped):
            status.report(.blocked("\(name) container is stopped. Run the start action to start it."))
        case .container(.crashing(let reason)):
            let hint =
                reason.hasPrefix("port ")
                ? "Free the port or set another registry-port."
                : "Fix the configuration; juju debug-log has the registry's log."
            status.report(.blocked("\(name) keeps restarting: \(reason). \(hint)"))
        case .container(.misconfigured(let reason)):
            status.report(
                .blocked(
                    "\(name) does not serve as configured: \(reason). Check that registry-image runs distribution's"
                        + " registry (README: registry:3); juju debug-log has details."
                )
            )
        }
    }

    /// `Ready at <netloc> (<scheme>[, proxied]).`, from what the last reconcile recorded, with the `warnings` but an
    /// expired certificate (which blocks).
    private func readyStatus(_ warnings: [ServingWarning]) -> WorkloadStatus {
        let values = session.values
        let netloc = values[StateKeys.netloc]?.stringValue ?? values[StateKeys.address]?.stringValue ?? "unknown"
        let scheme = values[StateKeys.scheme]?.stringValue ?? "http"
        let proxied = values[StateKeys.proxied]?.boolValue == true ? ", proxied" : ""
        var note = values[StateKeys.storageNote]?.stringValue.map { " " + $0 } ?? ""
        for warning in warnings where warning.check != .certificateExpired { note += " " + warning.statusNote }
        if let pull = values[StateKeys.pullNetloc]?.stringValue { note = " Pull-only at \(pull)." + note }
        return .active("Ready at \(netloc) (\(scheme)\(proxied)).\(note)")
    }

    /// What the charm knows is wrong with the serving registry beyond its metrics (``ServingWarning``): one
    /// `statvfs` each time, so callers read it once and pass the result on.
    private var servingWarnings: [ServingWarning] {
        ServingWarning.find(
            values: session.values,
            now: charm.environment.now(),
            diskSpace: charm.environment.diskSpace
        )
    }

    /// Appends `warnings` to the charm's health log for the collector; a failure to write it is logged, never fatal.
    private func record(_ warnings: [ServingWarning]) {
        let environment = charm.environment
        do {
            try HealthLog(files: environment.files, paths: environment.paths)
                .record(warnings, unit: session.context.unitName, now: environment.now())
        } catch {
            session.logger.warning("could not write the health log: \(error)")
        }
    }

    /// What the cert-provider relation calls for while its certificate is not applied, if anything.
    private var pendingCertificateStatus: WorkloadStatus? {
        guard let pending = session.values[StateKeys.certificateStatus]?.objectValue,
            let state = pending["state"]?.stringValue.flatMap(WorkloadStatus.State.init(rawValue:)),
            let message = pending["message"]?.stringValue
        else { return nil }
        return WorkloadStatus(state, message)
    }

    /// The status to keep in an `update-status` with nothing to do, found without reading the configuration.
    ///
    /// The last hook found the registry serving as configured and said so, and the very process it found then still
    /// runs (same pid, same start time in `/proc`), under the same dockerd: the container has not stopped,
    /// restarted or been replaced since; no read-only window is open, tag retention is not due and the certificate
    /// has not expired. No docker call, no HTTP request; `nil` sends the hook down the full path.
    private func idleStatus() -> WorkloadStatus? {
        let flags = session.flags
        guard flags.containsKnown(RegistryFlags.dockerReady), flags.containsKnown(RegistryFlags.configured),
            !flags.containsKnown(RegistryFlags.seriesUpgrade), !flags.containsKnown(RegistryFlags.reconcilePending),
            !flags.containsKnown(RegistryFlags.stoppedByOperator), let last = session.status.lastSet
        else { return nil }
        let warnings = servingWarnings
        guard last == pendingCertificateStatus ?? readyStatus(warnings),
            !warnings.contains(where: { $0.check == .certificateExpired }),
            ServingProcess.stillRuns(in: session, environment: charm.environment),
            PullListener.stillRunsIfRecorded(in: session, environment: charm.environment),
            !ReadOnlyWindow.isOpen(charm.environment),
            !RetentionSchedule.isDue(session, now: charm.environment.now()),
            session.values[StateKeys.sharedCollection] == nil
        else { return nil }
        return last
    }
}
