import JujuKit

/// `start name=` and `stop name= remove=`.
///
/// For the registry's own container (`registry-name`, the default) `stop` sets the stopped-by-operator flag and
/// closes its ports, so no hook starts it again until `start` or a configuration change; `start` clears the flag and
/// runs the same reconcile as `config-changed` (creating the container from the current configuration if `stop`
/// removed it). Another container on the unit is only started or stopped (and removed) if it exists.
struct ContainerAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    private var session: RegistrySession { action.session }
    private var docker: DockerCLI { charm.environment.docker }

    func start() async throws {
        let prepared = try await charm.prepared(session)
        let name = try containerName(default: prepared.config.registryName)
        if name == prepared.config.registryName {
            session.flags.clear(RegistryFlags.stoppedByOperator)
            guard prepared.problems.isEmpty else {
                throw ActionFailure(
                    "Failed to start container: \(name) (the configuration is invalid; see the unit's status)."
                )
            }
            await action.log("Starting \(name) with the current configuration.")
            if let failure = try await charm.configure(session)?.failure {
                await action.log(failure)
                throw ActionFailure("Failed to start container: \(ActionQuote.bounded(name)).")
            }
        } else {
            guard let container = try await inspect(name, verb: "start") else {
                throw ActionFailure(
                    "Failed to start container: \(ActionQuote.bounded(name)) (no container has that name)."
                )
            }
            await action.log("Starting \(name).")
            do {
                try await docker.start(container.id)
            } catch {
                await action.log(error.description)
                throw ActionFailure("Failed to start container: \(ActionQuote.bounded(name)).")
            }
        }
        action.set("outcome", "success")
        session.status.report(.active("\(name) container was started."))
    }

    func stop() async throws {
        let registryName = try await charm.prepared(session).config.registryName
        let name = try containerName(default: registryName)
        let remove = try action.parameters.bool("remove", default: true)
        let isRegistry = name == registryName
        if isRegistry {
            // Set first: should stopping fail half-way, no hook restarts what the operator wanted stopped.
            session.flags.set(RegistryFlags.stoppedByOperator)
        }
        do {
            if isRegistry, remove {
                await action.log("Stopping and removing \(name); its images stay in storage.")
                try await charm.environment.containers.remove(name)
            } else if let container = try await docker.inspect(name) {
                if container.isRunning || container.isRestarting {
                    await action.log("Stopping \(name).")
                    try await docker.stop(container.id, timeoutSeconds: charm.environment.containers.stopTimeoutSeconds)
                }
                if remove {
                    await action.log("Removing \(name).")
                    try await docker.remove(container.id)
                }
            } else if !isRegistry {
                throw ActionFailure(
                    "Failed to stop container: \(ActionQuote.bounded(name)) (no container has that name)."
                )
            }
        } catch let error as DockerError {
            await action.log(error.description)
            throw ActionFailure("Failed to stop container: \(ActionQuote.bounded(name)).")
        }
        if isRegistry {
            try await closePorts()
            session.status.report(.blocked("\(name) container was stopped. Run the start action to start it."))
        }
        action.set("outcome", "success")
    }

    /// The `name` parameter, `registryName` (`registry-name`) when empty, checked against docker's container-name rule.
    private func containerName(default registryName: String) throws(ActionFailure) -> String {
        let given = try action.parameters.string("name")
        let name = given.isEmpty ? registryName : given
        guard ContainerName.isValid(name) else {
            throw ActionFailure(
                "The name parameter \(ActionQuote.quoted(name)) is not a container name ([a-zA-Z0-9][a-zA-Z0-9_.-]+)."
            )
        }
        return name
    }

    private func inspect(_ name: String, verb: String) async throws(ActionFailure) -> ContainerInfo? {
        do {
            return try await docker.inspect(name)
        } catch {
            await action.log(error.description)
            throw ActionFailure("Failed to \(verb) container: \(ActionQuote.bounded(name)).")
        }
    }

    /// Closes the ports the registry opened; the next reconcile that runs it opens them again.
    private func closePorts() async throws {
        for text in session.values[StateKeys.openedPorts]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            if let port = PortRange(text) { try await session.tools.closePort(port) }
        }
        session.values[StateKeys.openedPorts] = nil
    }
}
