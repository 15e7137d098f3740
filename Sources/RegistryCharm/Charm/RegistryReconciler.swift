import FoundationEssentials
import JujuKit
import Logging

/// Brings the machine in line with the configuration: files, container, ports, local docker trust, daemon.json.
///
/// Nothing is touched when the configuration is invalid. Each step writes or restarts only what changed: an
/// unchanged configuration costs a few file reads and `/proc` reads while the process last found serving runs in the
/// container made from the same spec (see ``ServingProcess``), otherwise two reads of container state (the
/// registry's and a parked one's).
struct RegistryReconciler {
    let session: RegistrySession
    let config: CharmConfig
    /// The registry the image runs: `config.yml` is rendered for its major version.
    let version: RegistryVersion
    let environment: CharmEnvironment

    /// What the reconcile left running.
    struct Result {
        var outcome: ReconcileOutcome
        var address: String
        var served: ServedRegistry
    }

    /// The container's data directory inside it (the filesystem driver's root).
    static let containerDataDirectory = "/var/lib/registry"

    /// The container's command: serve the charm's configuration, wherever the image's default one is (the official
    /// registry:2 reads `/etc/docker/registry/config.yml`, registry:3 `/etc/distribution/config.yml`; both images'
    /// entrypoint hands `serve …` to the registry binary, as does an image whose entrypoint is the binary).
    static func serveCommand(configFile: String) -> [String] { ["serve", configFile] }

    /// Plans every file and the container, checks the plan, then applies it all or nothing: when writing a file,
    /// trusting the registry or starting the container fails, the files written are put back before the error is
    /// thrown.
    func run(startIfStopped: Bool) async throws -> Result {
        let paths = environment.paths
        let files = environment.files
        let secret = try await HTTPSecret(session: session).current()
        let receipt = try await CertProvider(session: session, config: config, now: environment.now()).receipt()
        let stateBefore = (
            written: session.values[StateKeys.writtenTLSFiles], source: session.values[StateKeys.tlsSource],
            notAfter: session.values[StateKeys.certificateNotAfter],
            trusted: session.values[StateKeys.trustedNetloc], daemonJSON: try files.read(paths.daemonJSON)
        )
        let collectorRelated = try await CosAgent.isRelated(session)
        let registryFiles = try plannedFiles(httpSecret: secret, receipt: receipt, metricsOnLoopback: collectorRelated)

        var mounts = registryFiles.mounts
        if case .filesystem = config.storage {
            mounts.append(Mount(source: paths.dataDirectory, target: Self.containerDataDirectory, readOnly: false))
        }
        if config.auth.usesAccounts {
            mounts.append(Mount(source: paths.accountsDirectory, target: paths.accountsDirectory))
        }
        let environmentFilePresent = registryFiles.entries.contains {
            $0.path == paths.environmentFile && $0.content != nil
        }
        let spec = ContainerSpec(
            name: config.registryName,
            image: config.registryImage,
            mounts: mounts,
            environmentFile: environmentFilePresent ? paths.environmentFile : nil,
            inputsDigest: registryFiles.inputsDigest(),
            command: Self.serveCommand(configFile: paths.configFile)
        )
        let pullPlan = pullListenerPlan(files: registryFiles, mounts: mounts, environmentFile: spec.environmentFile)
        // The whole container spec is checked before the first byte is written.
        _ = try spec.definingArguments()
        _ = try pullPlan?.spec.definingArguments()

        let applied: RegistryFiles.Applied
        do {
            applied = try registryFiles.apply(to: files)
        } catch {
            let directory = Path.directory(of: paths.configFile)
            throw FileWriteFailure(
                directory: directory,
                error: error,
                neededBytes: registryFiles.entries.reduce(0) { $0 + ($1.content?.count ?? 0) },
                space: environment.diskSpace(directory)
            )
        }
        for path in applied.healed {
            session.logger.warning(
                "\(path) was a directory (docker makes one when a mounted file is missing): removed it and wrote the file"
            )
        }
        let outcome: ReconcileOutcome
        let netloc: String
        let address: String
        let proxy: WebsiteProxy
        do {
            if case .filesystem = config.storage {
                try files.createDirectory(paths.dataDirectory, mode: .publicDirectory)
            }
            if config.auth.usesAccounts {
                try files.createDirectory(paths.accountsDirectory, mode: .privateDirectory)
            }
            // dockerd first: should daemon.json need a restart, it happens before the new container exists.
            address = try await UnitAddresses.of(session).privateAddress
            proxy = try await WebsiteProxy.read(session)
            netloc = RegistryNetloc.choose(
                httpHost: config.httpHost,
                proxy: proxy,
                address: address,
                port: config.registryPort
            )
            try await updateLocalTrust(netloc: netloc, files: registryFiles)
            outcome = try await reconcileContainer(spec, startIfStopped: startIfStopped)
            try await PullListener(session: session, environment: environment).reconcile(
                outcome == .keptStopped ? nil : pullPlan,
                startIfStopped: startIfStopped
            )
        } catch {
            if applied.changed {
                registryFiles.undo(applied, on: files)
                session.values[StateKeys.writtenTLSFiles] = stateBefore.written
                session.values[StateKeys.tlsSource] = stateBefore.source
                session.values[StateKeys.certificateNotAfter] = stateBefore.notAfter
                // The htpasswd put back may hold the previous password: hash it again next time.
                session.forgetData(WatchedData.basicAuth)
                session.forgetData(WatchedData.accounts)
                session.logger.warning("put the registry's files back as they were: \(error)")
            }
            await restoreDaemonConfiguration(stateBefore.daemonJSON, trusted: stateBefore.trusted)
            throw error
        }

        // A registry an operator stopped keeps its ports closed until it runs again.
        if outcome != .keptStopped { try await updatePorts(pullPort: pullPlan?.port) }
        session.values[StateKeys.pullNetloc] = pullPlan.map { .string("\(address):\($0.port)") }
        let tls = config.tls
        let served = ServedRegistry(
            netloc: netloc,
            scheme: registryFiles.tlsEnabled ? "https" : "http",
            proxied: proxy.isProxying,
            ca: registryFiles.tlsEnabled ? registryFiles.trustAnchor(tls) : nil,
            clientCertificatesRequired: registryFiles.clientCertificatesRequired,
            serverPair: registryFiles.tlsEnabled ? (tls.certificatePath, tls.keyPath) : nil,
            authentication: config.auth != .none
        )
        return Result(outcome: outcome, address: address, served: served)
    }

    /// Removes a container left under a previous `registry-name`, then brings the registry container in line.
    private func reconcileContainer(_ spec: ContainerSpec, startIfStopped: Bool) async throws -> ReconcileOutcome {
        let containers = environment.containers
        if let previous = session.values[StateKeys.containerName]?.stringValue, previous != config.registryName {
            session.logger.info(
                "registry-name changed from \(previous) to \(config.registryName); removing \(previous)"
            )
            try await containers.remove(previous)
        }
        // The very process last found serving still runs in the container made from this spec: nothing to ask docker
        // (a parked leftover, if any, is stopped and goes at the next re-creation).
        if ServingProcess.runs(
            config.registryName,
            specDigest: containers.specDigest(spec),
            in: session,
            environment: environment
        ) {
            session.values[StateKeys.containerName] = .string(config.registryName)
            return .unchanged
        }
        // A hook killed during a re-creation leaves the old container parked (stopped); nothing needs it any more.
        // One read of its state (over the engine's socket on a unit) when there is none.
        if let parked = try await environment.docker.inspect(ContainerManager.parkedName(config.registryName)) {
            session.logger.warning("removing \(parked.name), left by an interrupted re-creation")
            try await environment.docker.forceRemove(parked.id)
        }
        let firstTime = session.values[StateKeys.containerName] == nil
        let quiet = session.context.event == .unit(.updateStatus)
        let outcome = try await containers.reconcile(spec, startIfStopped: startIfStopped) {
            // The reactive charm's wording; shown while the image is pulled and the container (re)started (not in
            // update-status, whose retries must not flash maintenance on a blocked unit).
            if quiet { return }
            try? await session.status.progress(firstTime ? "Configuring the registry." : "Reconfiguring the registry.")
        }
        if outcome != .unchanged { session.logger.info("registry container \(config.registryName): \(outcome)") }
        session.values[StateKeys.containerName] = .string(config.registryName)
        return outcome
    }

    /// Computes every file the registry needs, without writing any.
    private func plannedFiles(httpSecret: String?, receipt: CertificateReceipt, metricsOnLoopback: Bool) throws
        -> RegistryFiles
    {
        let paths = environment.paths
        var planned = RegistryFiles()

        var htpasswd: [UInt8]?
        var tokenBundle: [UInt8]?
        switch config.auth {
        case .none: break
        case .basic(let user, let password):
            let existing = try fileContent(paths.htpasswdFile).map { String(decoding: $0, as: UTF8.self) }
            let changed = session.dataChanged(WatchedData.basicAuth, [user, password])
            // Unchanged credentials reuse the file without a bcrypt round, if it still looks like this user's
            // single bcrypt line (anything else, such as a file overwritten by hand, is written afresh).
            if !changed, let existing, existing.hasPrefix(user + ":$2"), existing.hasSuffix("\n"),
                existing.split(whereSeparator: \.isNewline).count == 1
            {
                htpasswd = Array(existing.utf8)
            } else {
                htpasswd = Array(try Htpasswd.content(user: user, password: password, reusing: existing).utf8)
            }
        case .token(_, _, _, let rootCerts):
            tokenBundle = rootCerts
        case .accounts:
            break
        }
        let accountFiles = try AccountFiles(session: session, paths: paths, files: environment.files).plan(config.auth)
        planned.entries += accountFiles
        planned.entries.append(
            .init(path: paths.htpasswdFile, content: htpasswd, mode: .ownerOnly, mountTarget: paths.htpasswdFile)
        )
        planned.entries.append(
            .init(
                path: paths.tokenBundleFile,
                content: tokenBundle,
                mode: .publicReadable,
                mountTarget: paths.tokenBundleFile
            )
        )

        let tls = try tlsFiles(receipt: receipt)
        planned.entries += tls.entries
        planned.tlsEnabled = tls.enabled
        planned.clientCertificatesRequired = tls.clientCA

        var environmentLines: [String] = []
        if let proxy = config.registryHTTPProxy { environmentLines.append("HTTP_PROXY=\(proxy)") }
        if let proxy = config.registryHTTPSProxy { environmentLines.append("HTTPS_PROXY=\(proxy)") }
        if version.isV3 {
            // distribution v3 starts an OpenTelemetry trace exporter unless told not to.
            environmentLines.append("OTEL_TRACES_EXPORTER=none")
        }
        let environmentFile =
            environmentLines.isEmpty ? nil : Array((environmentLines.joined(separator: "\n") + "\n").utf8)
        planned.entries.append(
            .init(path: paths.environmentFile, content: environmentFile, mode: .ownerOnly, mountTarget: nil)
        )

        let inputs = RenderInputs(
            applicationName: session.context.applicationName,
            httpSecret: httpSecret,
            htpasswdPath: config.auth.usesAccounts
                ? paths.pushAccountsFile : (htpasswd == nil ? nil : paths.htpasswdFile),
            tokenRootCertBundlePath: tokenBundle == nil ? nil : paths.tokenBundleFile,
            tls: tls.enabled
                ? TLSPaths(
                    certificate: config.tls.certificatePath,
                    key: config.tls.keyPath,
                    clientCA: tls.clientCA ? config.tls.caPath : nil
                )
                : nil,
            filesystemRoot: Self.containerDataDirectory,
            registryMajor: version.major,
            metricsOnLoopback: metricsOnLoopback
        )
        let rendered = RegistryConfig(config: config, inputs: inputs).rendered()
        planned.entries.append(
            .init(
                path: paths.configFile,
                content: Array(rendered.utf8),
                mode: .ownerOnly,
                mountTarget: paths.configFile
            )
        )
        // The read-only twin's configuration (see ReadOnlyWindow): read only while a collection runs, so it is no
        // input of the registry container.
        planned.entries.append(
            .init(
                path: paths.readOnlyConfigFile,
                content: Array(RegistryConfig(config: config, inputs: inputs).readOnlyTwin.rendered().utf8),
                mode: .ownerOnly,
                mountTarget: nil,
                readAtStart: false
            )
        )
        var pullInputs = inputs
        pullInputs.htpasswdPath =
            accountFiles.contains { $0.path == paths.pullAccountsFile && $0.content != nil }
            ? paths.pullAccountsFile : nil
        let pullConfig: [UInt8]? =
            if case .accounts(let accounts) = config.auth, accounts.needsPullListener {
                Array(
                    RegistryConfig(config: config, inputs: pullInputs).pullListener(port: config.pullPort).rendered()
                        .utf8
                )
            } else {
                nil
            }
        // Read by the pull listener only (its own spec digest covers it): no input of the registry container.
        planned.entries.append(
            .init(
                path: paths.pullConfigFile,
                content: pullConfig,
                mode: .ownerOnly,
                mountTarget: nil,
                readAtStart: false
            )
        )
        return planned
    }

    /// The pull listener's container, when the accounts call for one: the registry's mounts and environment, its
    /// own configuration, and a digest over the registry's inputs and its configuration.
    private func pullListenerPlan(files: RegistryFiles, mounts: [Mount], environmentFile: String?) -> PullListener.Plan?
    {
        let paths = environment.paths
        guard case .accounts(let accounts) = config.auth, accounts.needsPullListener,
            let pullConfig = files.content(at: paths.pullConfigFile)
        else { return nil }
        let spec = ContainerSpec(
            name: PullListener.containerName(config.registryName),
            image: config.registryImage,
            mounts: mounts + [Mount(source: paths.pullConfigFile, target: paths.pullConfigFile)],
            environmentFile: environmentFile,
            inputsDigest: ContainerDigest.sha256Hex(Array((files.inputsDigest() + "\n").utf8) + pullConfig),
            command: Self.serveCommand(configFile: paths.pullConfigFile)
        )
        return PullListener.Plan(
            spec: spec,
            port: config.pullPort,
            tls: files.tlsEnabled ? config.tls : nil,
            authentication: !accounts.anonymousPull
        )
    }

    /// TLS files: from the config blobs when the certificate and key are given, else from the cert-provider
    /// relation when it gave a usable certificate (both written here, key 0600), else whatever is at the paths.
    private func tlsFiles(receipt: CertificateReceipt) throws -> (
        entries: [RegistryFiles.Entry], enabled: Bool, clientCA: Bool
    ) {
        let tls = config.tls
        let files = environment.files
        var entries: [RegistryFiles.Entry] = []
        let written = Set(session.values[StateKeys.writtenTLSFiles]?.arrayValue?.compactMap(\.stringValue) ?? [])
        var nowWritten: [String] = []

        func plan(_ path: String, blob: [UInt8]?, mode: FileMode) throws -> [UInt8]? {
            if let blob {
                nowWritten.append(path)
                entries.append(.init(path: path, content: blob, mode: mode, mountTarget: path))
                return blob
            }
            if written.contains(path) {
                // The blob was cleared: the file the charm wrote goes too (the reactive charm left it behind).
                entries.append(.init(path: path, content: nil, mode: mode, mountTarget: nil))
                return nil
            }
            guard let existing = try fileContent(path) else { return nil }
            entries.append(.init(path: path, content: existing, mode: files.mode(of: path) ?? mode, mountTarget: path))
            return existing
        }

        var sources = (certificate: tls.certificatePEM, key: tls.keyPEM, ca: tls.caPEM)
        let previousSource = session.values[StateKeys.tlsSource]?.stringValue
        var source: String? = tls.hasCertificateAndKey ? "config" : nil
        switch receipt {
        case .complete(let bundle):
            if tls.hasCertificateAndKey {
                if session.dataChanged(WatchedData.tlsConfigOverRelation, true) {
                    session.logger.info(
                        "tls-cert-blob and tls-key-blob are set: they win over the certificate from cert-provider"
                    )
                }
            } else {
                sources = (bundle.certificate, bundle.key, bundle.ca)
                source = "relation"
            }
        case .waiting, .incomplete, .unusable:
            // A renewal or a new request after an address change: keep serving with the certificate applied
            // before until the new one is complete.
            if !tls.hasCertificateAndKey, previousSource == "relation" {
                func kept(_ path: String) throws -> [UInt8]? { written.contains(path) ? try fileContent(path) : nil }
                sources = (try kept(tls.certificatePath), try kept(tls.keyPath), try kept(tls.caPath))
                source = "relation"
            }
        case .notRelated:
            break
        }
        session.values[StateKeys.tlsSource] = source.map(JSONValue.string)
        let certificate = try plan(tls.certificatePath, blob: sources.certificate, mode: .publicReadable)
        let key = try plan(tls.keyPath, blob: sources.key, mode: .ownerOnly)
        let ca = try plan(tls.caPath, blob: sources.ca, mode: .publicReadable)
        session.values[StateKeys.writtenTLSFiles] = .array(nowWritten.sorted().map(JSONValue.string))
        let enabled = certificate != nil && key != nil
        session.values[StateKeys.certificateNotAfter] = (enabled ? certificate : nil)
            .flatMap(TLSMaterial.leafExpiry(ofCertificatePEM:)).map { .int(Int($0.timeIntervalSince1970)) }
        if !enabled {
            // Without a certificate and key the registry serves http; don't mount stray TLS files.
            entries = entries.map {
                var entry = $0; entry.mountTarget = nil; return entry
            }
        }
        return (entries, enabled, enabled && ca != nil)
    }

    /// Puts `daemon.json` back as it was before this reconcile (and has dockerd re-read it), so that the registry
    /// left serving stays trusted by the local docker; best effort.
    private func restoreDaemonConfiguration(_ before: [UInt8]?, trusted: JSONValue?) async {
        let files = environment.files
        let path = environment.paths.daemonJSON
        session.values[StateKeys.trustedNetloc] = trusted
        guard let before, (try? files.read(path)) != before else { return }
        do {
            try files.write(path, before, mode: .publicReadable)
            try await environment.host.reload()
        } catch {
            session.logger.warning("could not put daemon.json back: \(error)")
        }
    }

    /// The file at `path`, `nil` when there is none or a directory stands there (as dockerd leaves at a missing
    /// bind-mount source; ``RegistryFiles/apply(to:)`` replaces it when the file is the charm's).
    private func fileContent(_ path: String) throws -> [UInt8]? {
        environment.files.isDirectory(path) ? nil : try environment.files.read(path)
    }

    /// Opens the registry port (and the debug port with metrics, the pull listener's port when it runs), closing
    /// ports opened before that are no longer used.
    private func updatePorts(pullPort: Int?) async throws {
        var wanted = [PortRange(config.registryPort)]
        if let pullPort { wanted.append(PortRange(pullPort)) }
        if config.prometheusMetrics { wanted.append(PortRange(config.debugPort)) }
        let previous = Set(
            session.values[StateKeys.openedPorts]?.arrayValue?.compactMap { $0.stringValue.flatMap(PortRange.init) }
                ?? []
        )
        for port in previous.subtracting(wanted).sorted() { try await session.tools.closePort(port) }
        for port in Set(wanted).subtracting(previous).sorted() { try await session.tools.openPort(port) }
        session.values[StateKeys.openedPorts] = .array(wanted.map { .string($0.description) })
    }

    /// Makes the local docker trust the registry: `certs.d/<netloc>` with TLS, `insecure-registries` without; forgets a previous netloc.
    ///
    /// dockerd is reloaded (never restarted) for an insecure-registries change.
    private func updateLocalTrust(netloc: String, files registryFiles: RegistryFiles) async throws {
        let host = environment.host
        if let previous = session.values[StateKeys.trustedNetloc]?.stringValue, previous != netloc {
            try host.untrust(netloc: previous)
        }
        var insecure: [String] = []
        if registryFiles.tlsEnabled {
            let tls = config.tls
            try host.trust(
                netloc: netloc,
                ca: registryFiles.trustAnchor(tls),
                clientCertificate: registryFiles.clientCertificatesRequired ? (tls.certificatePath, tls.keyPath) : nil
            )
        } else {
            try host.untrust(netloc: netloc)
            insecure = [netloc]
        }
        session.values[StateKeys.trustedNetloc] = .string(netloc)
        let settings = config.dockerHostSettings(modelProxy: session.context.proxy)
        // What is accepted but not done is said once, when it changes, not on every hook.
        if session.dataChanged(WatchedData.dockerHostIgnored, settings.warnings) {
            for warning in settings.warnings { session.logger.warning("\(warning)") }
        }
        let change = try await host.applyDaemonConfiguration(settings, insecureRegistries: insecure)
        switch change {
        case .unchanged: break
        case .reloaded: session.logger.info("dockerd reloaded its configuration")
        case .restarted: session.logger.info("dockerd restarted for its new configuration")
        case .restartRequired(let keys):
            session.logger.warning(
                "daemon.json changed (\(keys.joined(separator: ", "))); dockerd must be restarted to apply it"
            )
        }
    }
}
