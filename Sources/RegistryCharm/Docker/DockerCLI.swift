public import JujuKit

/// The docker command-line client, one `docker` process per call: the one way the charm runs docker.
///
/// Each call costs a process spawn and a round trip to dockerd (about 20 ms), so callers ask for what they need in as
/// few calls as possible. Containers are addressed by exact name in ``inspect(_:)`` and by id everywhere the caller
/// has one: docker also resolves an argument as an id prefix, so a name alone could reach another container.
///
/// The typed methods (container lifecycle, inspect, images) throw `DockerError` on a failure; the raw
/// ``run(_:input:environment:mergeOutput:)`` of the actions (`pull`, `tag`, `push`, `images`, `rmi`, `prune`, …)
/// hands back what docker printed, failure or not, since each action words its own failure. Arguments are argv,
/// never a shell line; secrets go on standard input (`docker login --password-stdin`).
public struct DockerCLI: Sendable {
    private let runner: any CommandRunner
    private let executable: String
    private let engineSocket: DockerEngineSocket?

    /// Creates a client that runs `executable` (default `docker`, found on `PATH`) through `runner`; with an
    /// `engineSocket`, ``inspect(_:)`` asks the engine's API directly.
    public init(runner: any CommandRunner, executable: String = "docker", engineSocket: DockerEngineSocket? = nil) {
        self.runner = runner
        self.executable = executable
        self.engineSocket = engineSocket
    }

    /// Runs `docker <arguments>` and hands back what it printed, whatever its exit status.
    ///
    /// - Parameters:
    ///   - input: bytes for standard input (a password), if any.
    ///   - environment: variables on top of the charm's (such as `DOCKER_CONFIG`).
    ///   - mergeOutput: whether standard error is folded into standard output.
    /// - Throws: `DockerError.unavailable` when docker cannot be started; a non-zero exit is returned, not thrown.
    public func run(
        _ arguments: [String],
        input: [UInt8]? = nil,
        environment: [String: String] = [:],
        mergeOutput: Bool = false
    ) async throws(DockerError) -> CommandResult {
        do throws(CommandError) {
            return try await runner.run(
                Command(
                    executable,
                    arguments,
                    input: input,
                    environment: environment,
                    mergeErrorIntoOutput: mergeOutput
                )
            )
        } catch {
            throw .unavailable(reason: error.description)
        }
    }

    /// The container named exactly `name`, or `nil` when there is none.
    ///
    /// Asked of the engine's socket when there is one (about 1 ms), else of the CLI; a socket that fails falls back
    /// to the CLI, which then says what is wrong.
    public func inspect(_ name: String) async throws(DockerError) -> ContainerInfo? {
        if let engineSocket, ContainerSpec.isValidContainerName(name) {
            do throws(DockerError) {
                let response = try engineSocket.get("/containers/\(name)/json")
                if response.status == 404 { return nil }
                if response.status == 200 {
                    return try ContainerInfo.parse(inspectOutput: "[\(response.body)]", name: name)
                }
            } catch {
                // The CLI below reaches the same engine and reports what is wrong in its own words.
            }
        }
        let result = try await docker(["container", "inspect", name])
        guard result.succeeded else {
            if Self.saysNoSuch(result) { return nil }
            throw .containerCommandFailed(action: "inspect", container: name, message: result.standardError)
        }
        return try ContainerInfo.parse(inspectOutput: result.standardOutput, name: name)
    }

    /// Creates and starts a container from `spec`, labelled with `specDigest`; returns its id.
    @discardableResult
    public func run(_ spec: ContainerSpec, specDigest: String) async throws(DockerError) -> String {
        try await create(spec, specDigest: specDigest, verb: ["run", "-d"])
    }

    /// Creates a container from `spec`, labelled with `specDigest`, without starting it; returns its id.
    @discardableResult
    public func create(_ spec: ContainerSpec, specDigest: String) async throws(DockerError) -> String {
        try await create(spec, specDigest: specDigest, verb: ["container", "create"])
    }

    /// Starts the stopped container `container` (a name or id).
    public func start(_ container: String) async throws(DockerError) {
        try await containerCommand("start", ["container", "start", container], container: container)
    }

    /// Stops `container`, giving it `timeoutSeconds` to exit before docker kills it.
    public func stop(_ container: String, timeoutSeconds: Int) async throws(DockerError) {
        let arguments = ["container", "stop", "--time", String(max(0, timeoutSeconds)), container]
        try await containerCommand("stop", arguments, container: container)
    }

    /// Removes the stopped container `container` with its anonymous volumes.
    public func remove(_ container: String) async throws(DockerError) {
        try await containerCommand("rm", ["container", "rm", "--volumes", container], container: container)
    }

    /// Removes `container` whatever its state (kills it if it runs).
    public func forceRemove(_ container: String) async throws(DockerError) {
        try await containerCommand("rm", ["container", "rm", "--force", "--volumes", container], container: container)
    }

    /// Renames `container` to `newName`.
    public func rename(_ container: String, to newName: String) async throws(DockerError) {
        try await containerCommand("rename", ["container", "rename", container, newName], container: container)
    }

    /// The last `lines` lines `container` logged, standard output and error together (the registry logs on stderr).
    public func logs(_ container: String, lines: Int) async throws(DockerError) -> String {
        let result = try await docker(["container", "logs", "--tail", String(max(1, lines)), container])
        guard result.succeeded else {
            throw .containerCommandFailed(action: "logs", container: container, message: result.standardError)
        }
        return result.standardOutput + result.standardError
    }

    /// Pulls `image` from its registry.
    public func pull(_ image: String) async throws(DockerError) {
        let result = try await docker(["image", "pull", "--quiet", image])
        guard result.succeeded else { throw .pullFailed(image: image, message: result.standardError) }
    }

    /// Whether `image` is in the local image store.
    public func imageExists(_ image: String) async throws(DockerError) -> Bool {
        let result = try await docker(["image", "inspect", "--format", "{{.Id}}", image])
        if result.succeeded { return true }
        if Self.saysNoSuch(result) { return false }
        throw .imageLookupFailed(image: image, message: result.standardError)
    }

    /// The id (`sha256:…`) of the local image `image`, or `nil` when it is not in the local image store.
    ///
    /// Asked of the engine's socket when there is one (about 1 ms), else of the CLI.
    public func imageID(_ image: String) async throws(DockerError) -> String? {
        if let engineSocket, Self.isPlainReference(image) {
            do throws(DockerError) {
                let response = try engineSocket.get("/images/\(image)/json")
                if response.status == 404 { return nil }
                if response.status == 200, let id = try? JSONValue(parsing: response.body).objectValue?["Id"],
                    let text = id.stringValue, !text.isEmpty
                {
                    return text
                }
            } catch {
                // The CLI below reaches the same engine and reports what is wrong in its own words.
            }
        }
        let result = try await docker(["image", "inspect", "--format", "{{.Id}}", image])
        if result.succeeded { return result.standardOutput.trimmingWhitespace() }
        if Self.saysNoSuch(result) { return nil }
        throw .imageLookupFailed(image: image, message: result.standardError)
    }

    /// What `registry --version` prints in a throw-away container of `image` (no network, removed at exit).
    ///
    /// The official images' entrypoint hands an argument that starts with `-` to the registry binary, and an image
    /// whose entrypoint is the binary itself gets the same argument, so this works on every layout.
    public func registryVersionOutput(_ image: String) async throws(DockerError) -> String {
        let result = try await docker(["run", "--rm", "--network", "none", image, "--version"])
        guard result.succeeded else { throw .versionUnknown(image: image, message: result.standardError) }
        return result.standardOutput
    }

    /// Whether `image` holds only characters an image reference may (so it can go into a URL path as it is).
    static func isPlainReference(_ image: String) -> Bool {
        !image.isEmpty && !image.hasPrefix("-")
            && image.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
                    || "._-/:@".unicodeScalars.contains($0)
            }
    }

    /// Whether dockerd answers (`docker version` reaches the server); never throws.
    public func isAnswering() async -> Bool {
        guard let result = try? await docker(["version", "--format", "{{.Server.Version}}"]) else { return false }
        return result.succeeded && !result.standardOutput.trimmingWhitespace().isEmpty
    }

    // MARK: - Helpers

    private func create(_ spec: ContainerSpec, specDigest: String, verb: [String]) async throws(DockerError) -> String {
        let arguments = try verb + spec.creationArguments(specDigest: specDigest)
        let result = try await docker(arguments)
        guard result.succeeded else {
            throw .runFailed(container: spec.name, image: spec.image, message: result.standardError)
        }
        // `docker run -d` may print pull progress before the id; the id is the last line.
        let lines = result.standardOutput.split(whereSeparator: \.isNewline)
        return lines.last.map { $0.trimmingWhitespace() } ?? ""
    }

    private func containerCommand(_ action: String, _ arguments: [String], container: String) async throws(DockerError)
    {
        let result = try await docker(arguments)
        guard result.succeeded else {
            throw .containerCommandFailed(action: action, container: container, message: result.standardError)
        }
    }

    private func docker(_ arguments: [String]) async throws(DockerError) -> CommandResult {
        try await run(arguments)
    }

    /// Whether docker said the container or image does not exist.
    static func saysNoSuch(_ result: CommandResult) -> Bool {
        result.standardError.lowercased().contains("no such")
    }

    /// Whether a failed container command failed only because the container does not exist.
    static func isNoSuchContainer(_ error: DockerError) -> Bool {
        guard case .containerCommandFailed(_, _, let message) = error else { return false }
        return message.lowercased().contains("no such container")
    }
}
