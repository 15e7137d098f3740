import FoundationEssentials
import JujuKit
import Logging

/// Brings the machine in line with the configuration: files, container, ports, local docker trust, daemon.json.
///
/// Nothing is touched when the configuration is invalid. Each step writes or restarts only what changed: an
/// unchanged configuration costs one `docker container inspect` and a few file reads.
struct RegistryReconciler {
    let session: HookSession
    let config: CharmConfig
    let environment: CharmEnvironment

    /// What the reconcile left running.
    struct Result {
        var outcome: ReconcileOutcome
        var address: String
        var scheme: String
    }

    /// The container's data directory inside it (the filesystem driver's root).
    static let containerDataDirectory = "/var/lib/registry"

    func run(startIfStopped: Bool) async throws -> Result {
        let paths = environment.paths
        let files = environment.files
        let secret = try await HTTPSecret(session: session).current()
        let registryFiles = try plannedFiles(httpSecret: secret)
        try registryFiles.apply(to: files)

        var mounts = registryFiles.mounts
        if case .filesystem = config.storage {
            try files.createDirectory(paths.dataDirectory, mode: .publicDirectory)
            mounts.append(Mount(source: paths.dataDirectory, target: Self.containerDataDirectory, readOnly: false))
        }
        let environmentFilePresent = registryFiles.entries.contains {
            $0.path == paths.environmentFile && $0.content != nil
        }
        let spec = ContainerSpec(
            name: config.registryName,
            image: config.registryImage,
            mounts: mounts,
            environmentFile: environmentFilePresent ? paths.environmentFile : nil,
            inputsDigest: registryFiles.inputsDigest()
        )

        // dockerd first: should daemon.json need a restart, it happens before the new container exists.
        let address = try await session.tools.privateAddress()
        try await updateLocalTrust(address: address, files: registryFiles)

        let containers = environment.containers
        if let previous = session.values[StateKeys.containerName]?.stringValue, previous != config.registryName {
            session.logger.info(
                "registry-name changed from \(previous) to \(config.registryName); removing \(previous)"
            )
            try await containers.remove(previous)
        }
        let firstTime = session.values[StateKeys.containerName] == nil
        let outcome = try await containers.reconcile(spec, startIfStopped: startIfStopped) {
            // The reactive charm's wording; shown while the image is pulled and the container (re)started.
            try? await session.status.progress(firstTime ? "Configuring the registry." : "Reconfiguring the registry.")
        }
        if outcome != .unchanged { session.logger.info("registry container \(config.registryName): \(outcome)") }
        session.values[StateKeys.containerName] = .string(config.registryName)

        // A registry an operator stopped keeps its ports closed until it runs again.
        if outcome != .keptStopped { try await updatePorts() }
        return Result(outcome: outcome, address: address, scheme: registryFiles.tlsEnabled ? "https" : "http")
    }

    /// Computes every file the registry needs, without writing any.
    private func plannedFiles(httpSecret: String?) throws -> RegistryFiles {
        let paths = environment.paths
        var planned = RegistryFiles()

        var htpasswd: [UInt8]?
        var tokenBundle: [UInt8]?
        switch config.auth {
        case .none: break
        case .basic(let user, let password):
            let existing = try environment.files.readText(paths.htpasswdFile)
            let changed = session.dataChanged("basic-auth", [user, password])
            if !changed, let existing, !existing.isEmpty {
                htpasswd = Array(existing.utf8)
            } else {
                htpasswd = Array(try Htpasswd.content(user: user, password: password, reusing: existing).utf8)
            }
        case .token(_, _, _, let rootCerts):
            tokenBundle = rootCerts
        }
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

        let tls = try tlsFiles()
        planned.entries += tls.entries
        planned.tlsEnabled = tls.enabled
        planned.clientCertificatesRequired = tls.clientCA

        var proxyLines: [String] = []
        if let proxy = config.registryHTTPProxy { proxyLines.append("HTTP_PROXY=\(proxy)") }
        if let proxy = config.registryHTTPSProxy { proxyLines.append("HTTPS_PROXY=\(proxy)") }
        let environmentFile = proxyLines.isEmpty ? nil : Array((proxyLines.joined(separator: "\n") + "\n").utf8)
        planned.entries.append(
            .init(path: paths.environmentFile, content: environmentFile, mode: .ownerOnly, mountTarget: nil)
        )

        let inputs = RenderInputs(
            applicationName: session.context.applicationName,
            httpSecret: httpSecret,
            htpasswdPath: htpasswd == nil ? nil : paths.htpasswdFile,
            tokenRootCertBundlePath: tokenBundle == nil ? nil : paths.tokenBundleFile,
            tls: tls.enabled
                ? TLSPaths(
                    certificate: config.tls.certificatePath,
                    key: config.tls.keyPath,
                    clientCA: tls.clientCA ? config.tls.caPath : nil
                )
                : nil,
            filesystemRoot: Self.containerDataDirectory
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
        return planned
    }

    /// TLS files: from the config blobs when given (written here, key 0600), else whatever is at the paths.
    private func tlsFiles() throws -> (entries: [RegistryFiles.Entry], enabled: Bool, clientCA: Bool) {
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
            guard let existing = try files.read(path) else { return nil }
            entries.append(.init(path: path, content: existing, mode: files.mode(of: path) ?? mode, mountTarget: path))
            return existing
        }

        let certificate = try plan(tls.certificatePath, blob: tls.certificatePEM, mode: .publicReadable)
        let key = try plan(tls.keyPath, blob: tls.keyPEM, mode: .ownerOnly)
        let ca = try plan(tls.caPath, blob: tls.caPEM, mode: .publicReadable)
        session.values[StateKeys.writtenTLSFiles] = .array(nowWritten.sorted().map(JSONValue.string))
        let enabled = certificate != nil && key != nil
        if !enabled {
            // Without a certificate and key the registry serves http; don't mount stray TLS files.
            entries = entries.map {
                var entry = $0; entry.mountTarget = nil; return entry
            }
        }
        return (entries, enabled, enabled && ca != nil)
    }

    /// Opens the registry port (and the debug port with metrics), closing ports opened before that are no longer used.
    private func updatePorts() async throws {
        var wanted = [PortRange(config.registryPort)]
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
    private func updateLocalTrust(address: String, files registryFiles: RegistryFiles) async throws {
        let host = environment.host
        let netloc = config.httpHost?.hostAndPort ?? "\(address):\(config.registryPort)"
        if let previous = session.values[StateKeys.trustedNetloc]?.stringValue, previous != netloc {
            try host.untrust(netloc: previous)
        }
        var insecure: [String] = []
        if registryFiles.tlsEnabled {
            let tls = config.tls
            // The CA when there is one, else the certificate itself (enough for a self-signed one); already read.
            let authority = registryFiles.content(at: tls.caPath) ?? registryFiles.content(at: tls.certificatePath)
            try host.trust(
                netloc: netloc,
                ca: authority,
                clientCertificate: registryFiles.clientCertificatesRequired ? (tls.certificatePath, tls.keyPath) : nil
            )
        } else {
            try host.untrust(netloc: netloc)
            insecure = [netloc]
        }
        session.values[StateKeys.trustedNetloc] = .string(netloc)
        let change = try await host.applyDaemonConfiguration(
            config.dockerHostSettings(modelProxy: session.context.proxy),
            insecureRegistries: insecure
        )
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
