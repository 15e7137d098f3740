import JujuKit
import Logging

/// Rebuilds the unit state from the machine when a hook starts without it (see `StateLoss`).
///
/// Forgetting the state silently would make the charm forget the ports it opened and the netloc the local docker
/// trusts, so a later change would leave them behind. What the machine still shows is read back: the ports Juju has
/// open (`opened-ports`), the registry container (kept as it is: the reconcile that follows finds it unchanged),
/// the charm's entry in `daemon.json`'s `insecure-registries`, and the TLS files written from config blobs. What
/// cannot be read back is logged once, and the hook carries on with a reconcile.
struct StateRecovery {
    let session: RegistrySession
    let config: CharmConfig
    let environment: CharmEnvironment

    /// Reads back what can be rebuilt into `session.values` and flags, and logs what was rebuilt and what was lost.
    func run() async throws {
        var rebuilt: [String] = []
        let ports = try await session.tools.openedPorts()
        if !ports.isEmpty {
            session.values[StateKeys.openedPorts] = .array(ports.map { .string($0.description) })
            rebuilt.append("opened ports \(ports.map(\.description).joined(separator: ", "))")
        }
        let name = config.registryName
        if let info = try? await environment.docker.inspect(name), info.isManagedByCharm {
            session.values[StateKeys.containerName] = .string(name)
            session.values[StateKeys.restartBaseline] = .int(info.restartCount)
            rebuilt.append("container \(name)")
        }
        if let netloc = trustedInsecureNetloc() {
            session.values[StateKeys.trustedNetloc] = .string(netloc)
            rebuilt.append("trusted registry \(netloc)")
        }
        let written = tlsFilesFromBlobs()
        if !written.isEmpty {
            session.values[StateKeys.writtenTLSFiles] = .array(written.map(JSONValue.string))
            rebuilt.append("TLS files \(written.joined(separator: ", "))")
        }
        // The next reconcile (update-status included) checks everything against the configuration.
        session.flags.set(RegistryFlags.reconcilePending)
        session.logger.warning(
            "rebuilt from the machine: \(rebuilt.isEmpty ? "nothing (no port, container or trust found)" : rebuilt.joined(separator: "; "))"
        )
        session.logger.warning(
            """
            lost with the unit state: whether an operator stopped the registry (a stopped one is started again), \
            the last crash reason, the certificate from cert-provider until it is sent again, and the digests of \
            published relation data (written again)
            """
        )
    }

    /// The charm's own entry in `insecure-registries`: what `daemon.json` lists beyond the operator's options.
    private func trustedInsecureNetloc() -> String? {
        let files = environment.files
        guard let bytes = try? files.read(environment.paths.daemonJSON),
            case .object(let daemon) = try? JSONValue(parsing: bytes),
            let listed = daemon["insecure-registries"]?.arrayValue?.compactMap(\.stringValue)
        else { return nil }
        let settings = config.dockerHostSettings(modelProxy: session.context.proxy)
        let operators =
            (try? DaemonConfiguration.render(settings, insecureRegistries: []))?["insecure-registries"]?
            .arrayValue?.compactMap(\.stringValue) ?? []
        let charms = Set(listed).subtracting(operators)
        return charms.count == 1 ? charms.first : nil
    }

    /// The TLS paths holding exactly the blob the configuration gives for them (the charm wrote those).
    private func tlsFilesFromBlobs() -> [String] {
        let tls = config.tls
        let candidates = [
            (tls.certificatePath, tls.certificatePEM), (tls.keyPath, tls.keyPEM), (tls.caPath, tls.caPEM),
        ]
        return candidates.compactMap { path, blob in
            guard let blob, (try? environment.files.read(path)) == blob else { return nil }
            return path
        }.sorted()
    }
}
