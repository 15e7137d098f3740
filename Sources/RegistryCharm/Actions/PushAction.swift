import JujuKit
import RegistryKit

/// `push image= pull= tag=`: pull (when asked), tag for this registry, log in when basic auth is on, push.
///
/// The default tag is `<netloc>/<path>:<tag>` with the registry's real netloc; a registry host already in `image`
/// is replaced, not doubled. The login uses `--password-stdin` and a private, temporary `DOCKER_CONFIG` removed
/// afterwards, so the credentials are never on argv nor left in root's `~/.docker`.
struct PushAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let parameters = action.parameters
        let imageText = try parameters.string("image")
        guard !imageText.isEmpty else { throw ActionFailure("Missing required image parameter.") }
        let image = try ActionSupport.imageReference(imageText, parameter: "image")
        let pull = try parameters.bool("pull", default: true)
        let tagText = try parameters.string("tag")
        guard let netloc = ActionSupport.netloc(action.session) else {
            throw ActionFailure(RegistryCharm.notReadyMessage)
        }
        let target =
            tagText.isEmpty
            ? Self.defaultTarget(image, netloc: netloc)
            : try ActionSupport.imageReference(
                tagText,
                parameter: "tag"
            )
        let source = image.description
        let tag = target.description
        let docker = charm.environment.docker

        if pull {
            await action.log("Pulling \(source).")
            let result = try await docker.run(["image", "pull", source])
            guard result.succeeded else { throw await failure("Could not pull image: \(source)", result) }
        }
        // Progress lines only before the steps that take time (each is a hook-tool round trip): the tag is instant,
        // and the result carries the pushed tag and digest.
        let tagged = try await docker.run(["image", "tag", source, tag])
        guard tagged.succeeded else { throw await failure("Could not tag \(source) image with: \(tag)", tagged) }

        let pushed: CommandResult
        let auth = try await charm.prepared(action.session).config.auth
        if let account = auth.actionCredentials, target.domain == netloc {
            pushed = try await withLogin(docker, netloc: netloc, user: account.user, password: account.password) {
                environment in
                await action.log("Pushing \(tag).")
                return try await docker.run(["image", "push", tag], environment: environment)
            }
        } else {
            await action.log("Pushing \(tag).")
            pushed = try await docker.run(["image", "push", tag])
        }
        guard pushed.succeeded else { throw await failure("Could not push image: \(tag)", pushed) }
        let digest = Self.digest(inPushOutput: pushed.standardOutput)
        action.set("raw", "pushed \(tag)")
        action.set("outcome", "success")
        if let digest { action.set("digest", digest) }
    }

    /// Logs in to `netloc` with a temporary docker configuration, runs `body` with it, logs out and removes it.
    private func withLogin(
        _ docker: DockerCLI,
        netloc: String,
        user: String,
        password: String,
        _ body: ([String: String]) async throws -> CommandResult
    ) async throws -> CommandResult {
        let files = charm.environment.files
        let directory = try ActionSupport.makePrivateDirectory(files, prefix: "docker-registry-push")
        let environment = ["DOCKER_CONFIG": directory]
        do {
            await action.log("Logging in to \(netloc) as \(user).")
            let login = try await docker.run(
                ["login", "--username", user, "--password-stdin", netloc],
                input: Array(password.utf8),
                environment: environment
            )
            guard login.succeeded else { throw await failure("Could not log in to \(netloc) as \(user)", login) }
            let result = try await body(environment)
            _ = try? await docker.run(["logout", netloc], environment: environment)
            try? files.removeTree(directory)
            return result
        } catch {
            _ = try? await docker.run(["logout", netloc], environment: environment)
            try? files.removeTree(directory)
            throw error
        }
    }

    /// The failure sentence `message`, after logging docker's own explanation as a progress line.
    private func failure(_ message: String, _ result: CommandResult) async -> ActionFailure {
        await action.log("docker: \(result.reason)")
        return ActionFailure(message + ".")
    }

    /// `<netloc>/<path>:<tag>`: the image's repository path on this registry (its own host dropped), its tag or
    /// `latest`.
    static func defaultTarget(_ image: ImageReference, netloc: String) -> ImageReference {
        ImageReference(domain: netloc, path: image.path, tag: image.tag ?? "latest", digest: nil)
    }

    /// The digest `docker push` reports on its last lines (`<tag>: digest: sha256:… size: 527`).
    static func digest(inPushOutput output: String) -> String? {
        for line in output.split(whereSeparator: \.isNewline).reversed() {
            guard let range = line.firstRange(of: "digest: ") else { continue }
            let value = line[range.upperBound...].prefix { !$0.isWhitespace }
            if ImageReference.isValidDigest(String(value)) { return String(value) }
        }
        return nil
    }
}
