import JujuKit

/// `upgrade-docker`: upgrades the engine packages (as the docker layer did), then makes sure the registry runs
/// again with its data (unless an operator stopped it).
struct UpgradeDockerAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let session = action.session
        let environment = charm.environment
        let config = try await charm.prepared(session).config
        guard config.isValid else {
            throw ActionFailure("The docker engine cannot be upgraded: \(config.problems.blockedMessage)")
        }
        let before = await serverVersion()
        let settings = config.dockerHostSettings(modelProxy: session.context.proxy)
        let packages: [String]
        do {
            packages = try await environment.host.upgrade(settings) { message in await action.log(message) }
        } catch {
            throw ActionFailure("Could not upgrade docker: \(error.description).")
        }
        let after = await serverVersion()
        await action.log("The docker engine runs \(after) (was \(before)).")
        if let failure = try await charm.configure(session)?.failure {
            throw ActionFailure("Docker was upgraded to \(after), but the registry could not be started: \(failure).")
        }
        action.set("packages", packages.joined(separator: " "))
        action.set("previous-version", before)
        action.set("version", after)
        action.set("outcome", "success")
    }

    private func serverVersion() async -> String {
        let docker = charm.environment.docker
        guard let result = try? await docker.run(["version", "--format", "{{.Server.Version}}"]), result.succeeded
        else { return "unknown" }
        return result.standardOutput.trimmingWhitespace()
    }
}
