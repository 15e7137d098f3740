import FoundationEssentials
public import JujuKit
import Logging

/// The docker-registry charm: the handler graph that wires config, the docker host, the container and the status.
public final class RegistryCharm: Charm {
    let environment: CharmEnvironment

    /// Creates the charm over a machine (real or fake).
    ///
    /// The charm object holds no per-hook state: what a hook works out (the typed configuration, what a reconcile
    /// did) travels in the session's ``RegistryHookState``, see ``PreparedConfig`` and ``ReconcileReport``.
    public init(environment: CharmEnvironment) {
        self.environment = environment
    }

    /// `Charm` conformance: `update-status` starts without the configuration (see ``prepared(_:)``).
    public func needsConfig(for event: HookEvent) -> Bool {
        event != .unit(.updateStatus)
    }

    /// `Charm` conformance: a fresh, empty state for each hook.
    public func makeHookState() -> RegistryHookState {
        RegistryHookState()
    }

    /// `Charm` conformance.
    public func prepare(_ session: RegistrySession) async throws {
        if session.stateLoss != nil {
            let config = try await prepared(session).config
            try await StateRecovery(session: session, config: config, environment: environment).run()
            return
        }
        guard session.configLoaded else { return }
        try await prepared(session)
    }

    /// This hook's prepared configuration: the one way to it, prepared on first use (reading the configuration
    /// first when the hook started without it, as an `update-status` that has work to do) and kept in the hook
    /// state for the rest of the hook.
    @discardableResult
    func prepared(_ session: RegistrySession) async throws -> PreparedConfig {
        if let known = session.state.preparedConfig { return known }
        try await session.loadConfig()
        let secrets = try await SecretOptionReader(session: session).read()
        return try prepareConfig(session, secrets: secrets)
    }

    private func prepareConfig(_ session: RegistrySession, secrets: [String: SecretOptionContent]) throws
        -> PreparedConfig
    {
        let config = CharmConfig(
            options: session.config,
            secrets: secrets,
            applicationName: session.context.applicationName
        )
        for secret in config.secretValues { session.secrets.register(secret) }
        if session.dataChanged(WatchedData.configNotices, config.notices) {
            for notice in config.notices { session.logger.info("\(notice)") }
        }
        let prepared = PreparedConfig(
            config: config,
            tlsProblems: Self.tlsProblems(config.tls, now: environment.now())
                + TLSPathRules.problems(
                    config.tls,
                    paths: environment.paths,
                    containerDataDirectory: RegistryReconciler.containerDataDirectory
                )
        )
        session.state.preparedConfig = prepared
        if session.flags.containsKnown(RegistryFlags.configured), prepared.problems.isEmpty {
            let written = session.values[StateKeys.writtenTLSFiles]?.arrayValue?.compactMap(\.stringValue) ?? []
            let damaged = OwnedFiles.damaged(
                config: config,
                paths: environment.paths,
                writtenTLSFiles: written,
                files: environment.files
            )
            if !damaged.isEmpty {
                // Missing, or a directory dockerd made in its place: the next reconcile (update-status too) heals it.
                session.logger.warning("missing or not a file: \(damaged.joined(separator: ", ")); restoring")
                session.flags.set(RegistryFlags.reconcilePending)
            }
        }
        if session.flags.containsKnown(.configChanged) {
            // A new configuration restarts a registry the operator stopped, as in the reactive charm.
            session.flags.clear(RegistryFlags.stoppedByOperator)
        }
        return prepared
    }

    /// `Charm` conformance.
    public func handlers() -> [Handler<RegistryHookState>] {
        let hooksWithoutReconcile: [Flag] = [
            .hook("install"), .hook("update-status"), .hook("stop"), .hook("remove"), .hook("pre-series-upgrade"),
        ]
        return [
            Handler("update-status-check", when: [.hook("update-status")]) {
                try await RegistryStatus(charm: self, session: $0).checkIdle()
            },
            Handler("install-docker", whenNot: [RegistryFlags.dockerReady, RegistryFlags.seriesUpgrade]) {
                try await self.installDocker($0)
            },
            // A collection's read-only window that a killed hook left open closes before anything else looks at
            // the registry (one stat when there is none).
            Handler("close-read-only-window", when: [RegistryFlags.dockerReady], whenNot: [RegistryFlags.seriesUpgrade])
            {
                let session = $0
                try await ReadOnlyWindow.recoverIfLeft(self.environment) { session.logger.warning("\($0)") }
            },
            Handler(
                "extra-packages",
                when: [RegistryFlags.dockerReady],
                whenNot: [RegistryFlags.seriesUpgrade],
                whenAny: PackageOption.allCases.map(\.changedFlag)
            ) { try await self.installExtraPackages($0) },
            Handler(
                "adopt-reactive",
                when: [RegistryFlags.dockerReady],
                whenNot: [RegistryFlags.configured, RegistryFlags.seriesUpgrade, .hook("stop"), .hook("remove")]
            ) { try await self.adoptReactive($0) },
            // The leader's shared collection: before configure-registry, so that the hook that closes a window
            // applies a configuration held back meanwhile.
            Handler(
                "shared-collection",
                when: [RegistryFlags.dockerReady, RegistryFlags.configured],
                whenNot: [RegistryFlags.seriesUpgrade],
                whenAny: [
                    .hook("peer-relation-changed"), .hook("peer-relation-departed"), .hook("leader-elected"),
                    .hook("update-status"),
                ]
            ) {
                let session = $0
                // update-status moves it on only while a request is out (the leader) or a window open (the others).
                if session.context.event == .unit(.updateStatus),
                    session.values[StateKeys.sharedCollection] == nil,
                    try ReadOnlyWindow.current(self.environment)?.request == nil
                {
                    return
                }
                try await SharedCollection(charm: self, session: session).settle()
            },
            Handler(
                "configure-registry",
                when: [RegistryFlags.dockerReady],
                whenNot: hooksWithoutReconcile + [RegistryFlags.seriesUpgrade]
            ) { try await self.configure($0) },
            Handler(
                "publish-relations",
                when: [RegistryFlags.dockerReady, RegistryFlags.configured],
                whenNot: hooksWithoutReconcile + [RegistryFlags.seriesUpgrade]
            ) { try await self.publishRelations($0) },
            Handler(
                "retry-configure",
                when: [RegistryFlags.dockerReady, RegistryFlags.reconcilePending, .hook("update-status")],
                whenNot: [RegistryFlags.seriesUpgrade]
            ) { try await self.configure($0) },
            Handler(
                "schedule-retention",
                when: [RegistryFlags.dockerReady, RegistryFlags.configured],
                whenNot: hooksWithoutReconcile + [RegistryFlags.seriesUpgrade]
            ) { try await RetentionSchedule(charm: self, session: $0).update() },
            Handler(
                "apply-retention",
                when: [RegistryFlags.dockerReady, RegistryFlags.configured, .hook("update-status")],
                whenNot: [RegistryFlags.seriesUpgrade, RegistryFlags.reconcilePending]
            ) { try await RetentionSchedule(charm: self, session: $0).applyIfDue() },
            Handler("series-upgrade-stop", when: [.hook("pre-series-upgrade")]) {
                try await self.pauseForSeriesUpgrade($0)
            },
            // Clearing the flag lets configure-registry run on the next pass of this hook.
            Handler("series-upgrade-resume", when: [.hook("post-series-upgrade"), RegistryFlags.seriesUpgrade]) {
                try await SeriesUpgrade(environment: self.environment).resume($0)
            },
            Handler("cleanup", whenAny: [.hook("stop"), .hook("remove")]) { try await self.cleanup($0) },
            actionTable().handler(),
            // Last: what every hook and action left is looked at (and what died on its own healed) before the status.
            Handler(
                "inspect-registry",
                when: [RegistryFlags.dockerReady, RegistryFlags.configured],
                whenNot: [RegistryFlags.seriesUpgrade, .hook("stop"), .hook("remove")],
                scope: .all
            ) { try await RegistryInspection(charm: self, session: $0).run() },
        ]
    }

    /// `Charm` conformance: a hook that fails for the charm's own reasons (not Juju's hook tools) exits 0, blocked
    /// with the reason, and leaves a reconcile owed so that `update-status` (or any later hook) tries again; the
    /// registry keeps serving as it was, since nothing the failed hook did is committed.
    public func afterFailure(of event: HookEvent, reason: String) -> HookFailureVerdict? {
        HookFailureVerdict(
            status: .blocked(
                "The \(event.name) hook could not finish: \(reason). The registry keeps serving as it was; the next hook"
                    + " tries again (juju debug-log has details)."
            ),
            flags: [RegistryFlags.reconcilePending]
        )
    }

    /// `Charm` conformance.
    public func assessStatus(_ session: RegistrySession) async throws {
        try await RegistryStatus(charm: self, session: session).report()
    }

    // MARK: - Handlers

    private func installDocker(_ session: RegistrySession) async throws {
        let config = try await prepared(session).config
        let host = environment.host
        if await host.isAnswering() {
            session.flags.set(RegistryFlags.dockerReady)
            return
        }
        guard config.isValid else {
            // The runtime options decide what to install: wait for a valid configuration.
            return
        }
        try await host.install(config.dockerHostSettings(modelProxy: session.context.proxy)) { message in
            try? await session.status.progress(message)
        }
        session.flags.set(RegistryFlags.dockerReady)
    }

    /// Takes over what the reactive charm left (its http secret; with a valid configuration, the docker layer's files).
    private func adoptReactive(_ session: RegistrySession) async throws {
        let prepared = try await prepared(session)
        try await ReactiveAdoption(environment: environment).run(
            session,
            config: prepared.config,
            configValid: prepared.problems.isEmpty
        )
    }

    /// `install_sources` and `extra_packages`, whenever those options change (the docker packages come first).
    private func installExtraPackages(_ session: RegistrySession) async throws {
        let config = try await prepared(session).config
        guard config.isValid else { return }
        try await environment.host.installExtraPackages(config.dockerHostSettings(modelProxy: session.context.proxy)) {
            message in try? await session.status.progress(message)
        }
    }

    /// Brings the registry in line with the configuration (files, container, trust, ports) and checks that a
    /// container it started serves; also called by the status when the container was removed behind its back, and
    /// by the start and upgrade-docker actions.
    ///
    /// Returns what it did to the container (also kept in the hook state for the status); `nil` when the
    /// configuration is invalid and nothing was touched.
    @discardableResult
    func configure(_ session: RegistrySession) async throws -> ReconcileReport? {
        let prepared = try await prepared(session)
        let config = prepared.config
        guard prepared.problems.isEmpty else {
            for problem in prepared.problems { session.logger.warning("invalid config: \(problem.description)") }
            if prepared.problems.contains(where: { SecretOption(rawValue: $0.option) != nil }) {
                // Juju runs no hook when a secret is granted or fixed: update-status reads it again.
                session.flags.set(RegistryFlags.reconcilePending)
            }
            return nil
        }
        guard !ReadOnlyWindow.isOpen(environment) else {
            // The leader's collection holds the registry stopped: the new configuration applies once it ends.
            session.logger.info("the registry is read-only for the leader's garbage collection; reconfiguring after it")
            session.flags.set(RegistryFlags.reconcilePending)
            return nil
        }
        let version: RegistryVersion
        do {
            version = try await RegistryImageVersions(session: session, docker: environment.docker).version(
                of: config.registryImage,
                showProgress: session.context.event != .unit(.updateStatus)
            )
        } catch {
            return failedStart(session, error)
        }
        let versionProblems = RegistryCompatibility.problems(config, version: version)
        session.state.preparedConfig?.versionProblems = versionProblems
        // The registry running keeps its configuration until the option or the image changes; update-status checks
        // again (from the remembered version: no docker call) so that the status keeps saying why.
        if session.dataChanged(WatchedData.versionProblems, versionProblems.map(\.description)) {
            for problem in versionProblems { session.logger.warning("invalid config: \(problem.description)") }
        }
        guard versionProblems.isEmpty else {
            session.flags.set(RegistryFlags.reconcilePending)
            return nil
        }
        let storageProblems = await ObjectStorageCheck(session: session, config: config, environment: environment).run()
        session.state.preparedConfig?.storageProblems = storageProblems
        // The registry running keeps its configuration; update-status probes again.
        guard storageProblems.isEmpty else {
            session.flags.set(RegistryFlags.reconcilePending)
            return nil
        }
        let reconciler = RegistryReconciler(
            session: session,
            config: config,
            version: version,
            environment: environment
        )
        let startIfStopped = !session.flags.containsKnown(RegistryFlags.stoppedByOperator)
        var report = ReconcileReport()
        do {
            let result = try await reconciler.run(startIfStopped: startIfStopped)
            session.state.served = result.served
            session.values[StateKeys.address] = .string("\(result.address):\(config.registryPort)")
            session.values[StateKeys.netloc] = .string(result.served.netloc)
            session.values[StateKeys.scheme] = .string(result.served.scheme)
            session.values[StateKeys.proxied] = result.served.proxied ? .bool(true) : nil
            let receipt = session.state.certificateReceipt ?? .notRelated
            let certificateStatus = CertProvider.status(for: receipt, configTLS: config.tls.hasCertificateAndKey)
            session.values[StateKeys.certificateStatus] = certificateStatus.map {
                .object(["state": .string($0.state.rawValue), "message": .string($0.message)])
            }
            session.flags.set(RegistryFlags.configured)
            session.flags.clear(RegistryFlags.reconcilePending)
            if session.values[StateKeys.startFailure] != nil {
                session.values[StateKeys.startFailure] = nil
                session.logger.info("the registry container runs again")
            }
            try await showWorkloadVersion(session, version)
            // An unchanged container that was crash-looping is looked at again by the inspection.
            let knownCrashing = session.values[StateKeys.crashReason] != nil
            report.justStarted =
                result.outcome != .keptStopped && !(result.outcome == .unchanged && knownCrashing)
            if [.created, .recreated, .started].contains(result.outcome) {
                report.watched = true
                report.probed = true
                if try await !checkServing(session, config: config) { report.justStarted = false }
            }
        } catch let error as DockerError {
            return failedStart(session, error)
        } catch let failure as FileWriteFailure {
            // The files were put back; the registry serves its last configuration. Logged once per change.
            if session.dataChanged(WatchedData.writeFailure, failure.error.description) {
                session.logger.error("\(failure.error); \(failure.description)")
            }
            session.flags.set(RegistryFlags.reconcilePending)
            let failed = ReconcileReport(writeFailure: failure.description)
            session.state.reconcileReport = failed
            return failed
        }
        session.forgetData(WatchedData.writeFailure)
        session.values[StateKeys.filesystemData] =
            config.storage == .filesystem ? .string(environment.paths.dataDirectory) : nil
        session.state.reconcileReport = report
        return report
    }

    /// A bad image or a refused container is the operator's to fix: block (and retry on update-status, at most once
    /// per hook) rather than fail the hook over and over; the error is logged once per change of reason.
    private func failedStart(_ session: RegistrySession, _ error: DockerError) -> ReconcileReport {
        if session.values[StateKeys.startFailure]?.stringValue != error.description {
            session.logger.error("could not start the registry: \(error.description)")
            session.values[StateKeys.startFailure] = .string(error.description)
        }
        let report = ReconcileReport(failure: error.description)
        session.flags.set(RegistryFlags.reconcilePending)
        session.state.reconcileReport = report
        return report
    }

    /// Shows the registry's version as the workload version (`juju status`' Version column) when it changed.
    private func showWorkloadVersion(_ session: RegistrySession, _ version: RegistryVersion) async throws {
        guard session.values[StateKeys.workloadVersion]?.stringValue != version.text else { return }
        try await session.tools.applicationVersionSet(version.text)
        session.values[StateKeys.workloadVersion] = .string(version.text)
    }

    /// Watches a container just started: a registry that exits at start (a port taken, an unreachable store) is
    /// recorded with its reason, and the status blocks instead of saying Ready; one that stays up is probed, and
    /// one that answers otherwise than configured is recorded as such (see ``RegistryProbe``).
    ///
    /// Returns whether it stays up (a probe mismatch is the inspection's to report).
    private func checkServing(_ session: RegistrySession, config: CharmConfig) async throws -> Bool {
        let health = RegistryHealth(docker: environment.docker, pause: environment.pause)
        let verdict = try await health.watchAfterStart(name: config.registryName, port: config.registryPort)
        guard let reason = RegistryHealth.record(verdict, in: session) else {
            if case .serving(_, let container) = verdict {
                _ = await RegistryServing(charm: self, session: session).probe(container: container, config: config)
            }
            return true
        }
        session.logger.error("\(config.registryName) does not serve: \(reason)")
        return false
    }

    /// Tells every related application how the registry now serves: clients, the proxy, nrpe.
    ///
    /// Runs after a successful reconcile in the same hook; each relation writes only what changed.
    private func publishRelations(_ session: RegistrySession) async throws {
        guard let served = session.state.served else { return }
        let config = try await prepared(session).config
        if case .accounts(let accounts) = config.auth, !accounts.pull.isEmpty, !accounts.anonymousPull,
            session.dataChanged(WatchedData.clientsWithoutPassword, accounts.clientAccount == nil),
            accounts.clientAccount == nil
        {
            session.logger.warning(
                "every pull account of auth-accounts is a bcrypt hash: related clients get no credentials (give one as user:password)"
            )
        }
        try await RegistryClients(session: session).publish(
            RegistryClients.data(
                config: config,
                served: served,
                pullNetloc: session.values[StateKeys.pullNetloc]?.stringValue
            )
        )
        try await Website(session: session, charmDirectory: session.context.charmDirectory, files: environment.files)
            .publish(port: config.registryPort, tlsPassThrough: served.https)
        try await Nrpe(session: session, config: config, environment: environment).reconcile(served)
        try await CosAgent(session: session, charmDirectory: session.context.charmDirectory, files: environment.files)
            .publish(config: config)
    }

    private func pauseForSeriesUpgrade(_ session: RegistrySession) async throws {
        session.flags.set(RegistryFlags.seriesUpgrade)
        let config = try await prepared(session).config
        if try await environment.docker.inspect(config.registryName)?.isRunning == true {
            try await environment.docker.stop(config.registryName, timeoutSeconds: 30)
        }
        try await SeriesUpgrade(environment: environment).pauseDocker(session)
    }

    private func cleanup(_ session: RegistrySession) async throws {
        let config = try await prepared(session).config
        let name = session.values[StateKeys.containerName]?.stringValue ?? config.registryName
        try await environment.containers.remove(name)
        try await PullListener(session: session, environment: environment).reconcile(nil, startIfStopped: false)
        try await environment.containers.remove(PullListener.containerName(name))
        for text in session.values[StateKeys.openedPorts]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if let port = PortRange(text) { try await session.tools.closePort(port) }
        }
        session.values[StateKeys.openedPorts] = nil
        let host = environment.host
        if let netloc = session.values[StateKeys.trustedNetloc]?.stringValue {
            try host.untrust(netloc: netloc)
            _ = try await host.applyDaemonConfiguration(
                config.dockerHostSettings(modelProxy: session.context.proxy),
                insecureRegistries: []
            )
        }
        if try host.removeProxyDropIn() { session.logger.info("removed dockerd's proxy drop-in") }
        let paths = environment.paths
        let written = session.values[StateKeys.writtenTLSFiles]?.arrayValue?.compactMap(\.stringValue) ?? []
        let charmFiles = [
            paths.configFile, paths.readOnlyConfigFile, paths.htpasswdFile, paths.tokenBundleFile,
            paths.environmentFile, paths.mirrorBlobsFile, paths.pullConfigFile, paths.pushAccountsFile,
            paths.pullAccountsFile,
        ]
        for path in charmFiles + written {
            try environment.files.remove(path)
        }
        try Nrpe(session: session, config: config, environment: environment).removeFiles()
        try RegistryLogFile(files: environment.files, paths: paths).remove(name)
        session.flags.clear(RegistryFlags.configured)
        session.logger.info("removed the registry container and its files; images in \(paths.dataDirectory) are kept")
    }

    // MARK: - Validation of TLS material

    static func tlsProblems(_ tls: TLSOptions, now: Date) -> [ConfigProblem] {
        guard let certificate = tls.certificatePEM, let key = tls.keyPEM else { return [] }
        let found = TLSCheck.problems(certificatePEM: certificate, keyPEM: key, caPEM: tls.caPEM, now: now)
        guard !found.isEmpty else { return [] }
        return [ConfigProblem(option: "tls-cert-blob", message: found.joined(separator: "; "))]
    }
}
