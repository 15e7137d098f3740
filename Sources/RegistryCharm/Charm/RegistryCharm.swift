import FoundationEssentials
public import JujuKit
import Logging

/// The docker-registry charm: the handler graph that wires config, the docker host, the container and the status.
public final class RegistryCharm: Charm {
    let environment: CharmEnvironment
    /// This hook's typed configuration, read in `prepare` (validating an empty one up front would be wasted work).
    var config: CharmConfig { prepared ?? CharmConfig(options: [:]) }
    private var prepared: CharmConfig?
    /// Problems with the TLS material given in config (parsed, matched, in date), found in `prepare`.
    private(set) var tlsProblems: [ConfigProblem] = []
    /// Whether this hook just created, re-created or started the container, so the status needs no second inspect.
    var containerJustStarted = false
    /// A failure to start the registry that the operator must see.
    var startFailure: String?

    /// Creates the charm over a machine (real or fake).
    public init(environment: CharmEnvironment) {
        self.environment = environment
    }

    /// Every problem that blocks the unit: invalid options and unusable TLS material.
    var problems: [ConfigProblem] { config.problems + tlsProblems }

    /// `Charm` conformance.
    public func prepare(_ session: HookSession) async throws {
        let config = CharmConfig(options: session.config)
        prepared = config
        for secret in config.secretValues { session.secrets.register(secret) }
        tlsProblems = Self.tlsProblems(config.tls, now: environment.now())
        if session.flags.containsKnown(.configChanged) {
            // A new configuration restarts a registry the operator stopped, as in the reactive charm.
            session.flags.clear(RegistryFlags.stoppedByOperator)
        }
    }

    /// `Charm` conformance.
    public func handlers() -> [Handler] {
        let hooksWithoutReconcile: [Flag] = [
            .hook("install"), .hook("update-status"), .hook("stop"), .hook("remove"), .hook("pre-series-upgrade"),
        ]
        return [
            Handler("install-docker", whenNot: [RegistryFlags.dockerReady, RegistryFlags.seriesUpgrade]) {
                try await self.installDocker($0)
            },
            Handler(
                "extra-packages",
                when: [RegistryFlags.dockerReady],
                whenNot: [RegistryFlags.seriesUpgrade],
                whenAny: ["extra_packages", "install_sources", "install_keys", "package_status"].map(Flag.configChanged)
            ) { try await self.installExtraPackages($0) },
            Handler(
                "configure-registry",
                when: [RegistryFlags.dockerReady],
                whenNot: hooksWithoutReconcile + [RegistryFlags.seriesUpgrade]
            ) { try await self.configure($0) },
            Handler(
                "retry-configure",
                when: [RegistryFlags.dockerReady, RegistryFlags.reconcilePending, .hook("update-status")],
                whenNot: [RegistryFlags.seriesUpgrade]
            ) { try await self.configure($0) },
            Handler("series-upgrade-stop", when: [.hook("pre-series-upgrade")]) {
                try await self.pauseForSeriesUpgrade($0)
            },
            // Clearing the flag lets configure-registry run on the next pass of this hook.
            Handler("series-upgrade-resume", when: [.hook("post-series-upgrade"), RegistryFlags.seriesUpgrade]) {
                $0.flags.clear(RegistryFlags.seriesUpgrade)
            },
            Handler("cleanup", whenAny: [.hook("stop"), .hook("remove")]) { try await self.cleanup($0) },
            actionTable().handler(),
        ]
    }

    /// `Charm` conformance.
    public func assessStatus(_ session: HookSession) async throws {
        try await RegistryStatus(charm: self, session: session).report()
    }

    // MARK: - Handlers

    private func installDocker(_ session: HookSession) async throws {
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

    /// `install_sources` and `extra_packages`, whenever those options change (the docker packages come first).
    private func installExtraPackages(_ session: HookSession) async throws {
        guard config.isValid else { return }
        try await environment.host.installExtraPackages(config.dockerHostSettings(modelProxy: session.context.proxy)) {
            message in try? await session.status.progress(message)
        }
    }

    /// Writes the registry's files and brings its container in line (the `start` action reuses it).
    func configure(_ session: HookSession) async throws {
        guard problems.isEmpty else {
            for problem in problems { session.logger.warning("invalid config: \(problem.description)") }
            return
        }
        let reconciler = RegistryReconciler(session: session, config: config, environment: environment)
        let startIfStopped = !session.flags.containsKnown(RegistryFlags.stoppedByOperator)
        do {
            let result = try await reconciler.run(startIfStopped: startIfStopped)
            session.values[StateKeys.address] = .string("\(result.address):\(config.registryPort)")
            session.values[StateKeys.netloc] = .string(
                config.httpHost?.hostAndPort ?? "\(result.address):\(config.registryPort)"
            )
            session.values[StateKeys.scheme] = .string(result.scheme)
            session.flags.set(RegistryFlags.configured)
            session.flags.clear(RegistryFlags.reconcilePending)
            containerJustStarted = result.outcome != .keptStopped
        } catch let error as DockerError {
            // A bad image or a refused container is the operator's to fix: block (and retry on update-status)
            // rather than fail the hook over and over.
            session.logger.error("could not start the registry: \(error.description)")
            startFailure = error.description
            session.flags.set(RegistryFlags.reconcilePending)
        }
    }

    private func pauseForSeriesUpgrade(_ session: HookSession) async throws {
        session.flags.set(RegistryFlags.seriesUpgrade)
        if try await environment.docker.inspect(config.registryName)?.isRunning == true {
            try await environment.docker.stop(config.registryName, timeoutSeconds: 30)
        }
    }

    private func cleanup(_ session: HookSession) async throws {
        let name = session.values[StateKeys.containerName]?.stringValue ?? config.registryName
        try await environment.containers.remove(name)
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
        let paths = environment.paths
        let written = session.values[StateKeys.writtenTLSFiles]?.arrayValue?.compactMap(\.stringValue) ?? []
        for path in [paths.configFile, paths.htpasswdFile, paths.tokenBundleFile, paths.environmentFile] + written {
            try environment.files.remove(path)
        }
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
