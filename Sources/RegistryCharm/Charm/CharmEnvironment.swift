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
    /// Talks to the registry's HTTP API (the list, delete and garbage-collect actions).
    public var registryTransport: any RegistryTransport

    /// Creates an environment.
    public init(
        runner: any CommandRunner,
        files: any FileSystem,
        paths: HostPaths = HostPaths(),
        now: @escaping @Sendable () -> Date = { Date() },
        registryTransport: any RegistryTransport = NIORegistryTransport()
    ) {
        self.runner = runner
        self.files = files
        self.paths = paths
        self.now = now
        self.registryTransport = registryTransport
    }

    /// The production environment: real processes, the real file system, the standard paths.
    public static var machine: CharmEnvironment {
        CharmEnvironment(runner: SubprocessRunner(), files: LocalFileSystem())
    }

    /// The docker client for the registry container.
    var docker: DockerCLI { DockerCLI(runner: runner) }
    /// The container manager.
    var containers: ContainerManager { ContainerManager(docker: docker, digest: ContainerDigest.sha256Hex) }
    /// The docker engine on this machine.
    var host: DockerHost { DockerHost(runner: runner, files: files, paths: paths) }
}
