import JujuKit

/// `clean-containers` and `clean-images`: the docker layer's housekeeping, made safe for the registry.
///
/// `clean-containers` removes stopped containers but never the registry's (nor its parked predecessor, nor any
/// container this charm made); `clean-images untagged=false` refuses to run while the registry container is absent,
/// since its image would go with the others and an air-gapped unit could not start it again.
struct CleanupAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    private var docker: DockerCLI { charm.environment.docker }

    func cleanContainers() async throws {
        let listed = try await docker.run([
            "container", "ls", "--all", "--no-trunc",
            "--filter", "status=exited", "--filter", "status=created", "--filter", "status=dead",
            "--format", "{{.ID}}\t{{.Names}}\t{{.Label \"\(ContainerLabels.managedBy)\"}}",
        ])
        guard listed.succeeded else {
            throw ActionFailure("Could not list the stopped containers: \(listed.reason).")
        }
        let name = try await charm.prepared(action.session).config.registryName
        let kept: Set<String> = [name, ContainerManager.parkedName(name)]
        var removed: [String] = []
        for line in listed.standardOutput.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 2 else { continue }
            let (id, containerName) = (fields[0], fields[1])
            if kept.contains(containerName) || (fields.count > 2 && fields[2] == ContainerLabels.managedByValue) {
                await action.log("Keeping \(containerName): it belongs to the registry.")
                continue
            }
            let result = try await docker.run(["container", "rm", "--volumes", id])
            guard result.succeeded else {
                throw ActionFailure("Could not remove container \(containerName): \(result.reason).")
            }
            await action.log("Removed \(containerName).")
            removed.append(containerName)
        }
        action.set("removed", String(removed.count))
        action.set("output", removed.isEmpty ? "No stopped container to remove." : removed.joined(separator: "\n"))
    }

    func cleanImages() async throws {
        let untaggedOnly = try action.parameters.bool("untagged", default: true)
        var arguments = ["image", "prune", "--force"]
        if !untaggedOnly {
            let registry = try await charm.prepared(action.session).config.registryName
            let exists: Bool
            do {
                exists = try await charm.environment.docker.inspect(registry) != nil
            } catch {
                throw ActionFailure("Could not look up the \(registry) container: \(error.description).")
            }
            guard exists else {
                throw ActionFailure(
                    "The \(registry) container does not exist, so its image would be removed too; "
                        + "run the start action first, or clean-images with untagged=true."
                )
            }
            arguments.append("--all")
        }
        let result = try await docker.run(arguments, mergeOutput: true)
        guard result.succeeded else {
            throw ActionSupport.commandFailed(arguments, result)
        }
        action.set("output", result.standardOutput)
    }
}
