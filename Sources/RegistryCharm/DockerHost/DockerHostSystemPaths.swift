/// Machine paths the docker host reads besides `HostPaths` (candidates for `HostPaths`; the lead owns that file).
public struct DockerHostSystemPaths: Sendable, Equatable {
    /// Exists when systemd is PID 1 (`/run/systemd/system`, as `sd_booted(3)` checks).
    public var systemdRuntimeDirectory: String
    /// The distribution's identity: `ID` and `VERSION_CODENAME` (`/etc/os-release`).
    public var osRelease: String
    /// The nvidia runtime binary; with `docker_runtime=auto` the runtime is registered when it exists.
    public var nvidiaContainerRuntime: String

    /// Creates paths with the standard locations.
    public init(
        systemdRuntimeDirectory: String = "/run/systemd/system",
        osRelease: String = "/etc/os-release",
        nvidiaContainerRuntime: String = "/usr/bin/nvidia-container-runtime"
    ) {
        self.systemdRuntimeDirectory = systemdRuntimeDirectory
        self.osRelease = osRelease
        self.nvidiaContainerRuntime = nvidiaContainerRuntime
    }
}
