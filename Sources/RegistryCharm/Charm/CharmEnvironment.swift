public import FoundationEssentials
public import JujuKit

/// The machine the charm drives: processes, files and where things live.
///
/// Tests swap in fakes.
public struct CharmEnvironment: Sendable {
    /// Runs docker, apt-get and friends.
    public var runner: any CommandRunner
    /// Reads and writes files.
    public var files: any FileSystem
    /// Where things live.
    public var paths: HostPaths
    /// The current time (for certificate validity).
    public var now: @Sendable () -> Date
    /// The docker engine's API socket for read-only questions; `nil`: ask the docker CLI.
    public var engineSocket: DockerEngineSocket?
    /// Waits the given milliseconds (while a started registry is watched); tests pass one that does not wait.
    public var pause: @Sendable (Int) async -> Void
    /// Talks to the registry's HTTP API (the list, delete and garbage-collect actions).
    public var registryTransport: any RegistryTransport
    /// The space of the file system a path is on (`statvfs`); tests pass a fake.
    public var diskSpace: @Sendable (String) -> DiskSpace?
    /// The machine's processes: an idle `update-status` checks that the registry's process still runs.
    public var processes: any ProcessTable

    /// Creates an environment.
    public init(
        runner: any CommandRunner,
        files: any FileSystem,
        paths: HostPaths = HostPaths(),
        now: @escaping @Sendable () -> Date = { Date() },
        engineSocket: DockerEngineSocket? = nil,
        pause: @escaping @Sendable (Int) async -> Void = { try? await Task.sleep(for: .milliseconds($0)) },
        registryTransport: any RegistryTransport = CurlRegistryTransport(),
        diskSpace: @escaping @Sendable (String) -> DiskSpace? = DiskSpace.of,
        processes: (any ProcessTable)? = nil
    ) {
        self.processes = processes ?? ProcFileSystem(files: files)
        self.diskSpace = diskSpace
        self.pause = pause
        self.runner = runner
        self.files = files
        self.paths = paths
        self.now = now
        self.engineSocket = engineSocket
        self.registryTransport = registryTransport
    }

    /// The production environment: real processes, the real file system, the standard paths.
    public static var machine: CharmEnvironment {
        let files = LocalFileSystem()
        return CharmEnvironment(
            runner: SubprocessRunner(),
            files: files,
            engineSocket: DockerEngineSocket.located(
                dockerHost: ProcessInfo.processInfo.environment["DOCKER_HOST"],
                exists: files.exists
            )
        )
    }

    /// The docker client for the registry container.
    var docker: DockerCLI { DockerCLI(runner: runner, engineSocket: engineSocket) }
    /// The container manager.
    var containers: ContainerManager { ContainerManager(docker: docker, digest: ContainerDigest.sha256Hex) }
    /// The docker engine on this machine.
    var host: DockerHost { DockerHost(runner: runner, files: files, paths: paths) }
}
