public import JujuKit

/// What `applyDaemonConfiguration` did to dockerd.
public enum DaemonChange: Sendable, Equatable {
    /// Nothing changed: no file written, no command run.
    case unchanged
    /// dockerd re-read `daemon.json` on `SIGHUP`; containers and the process are untouched.
    case reloaded
    /// dockerd was restarted (systemd only).
    case restarted
    /// A change needs a restart, but systemd is not running dockerd, so the charm did not restart it.
    ///
    /// The files are already written; the next apply sees no change, so the caller must remember this outcome
    /// (e.g. in a flag) until dockerd has been restarted.
    case restartRequired(keys: [String])
}

/// The docker engine on this machine: installing it, configuring dockerd, and the local client's trust of registries.
///
/// Every side effect goes through `runner` and `files`; nothing runs or is written when nothing changed.
public struct DockerHost: Sendable {
    /// Runs docker, apt, systemctl, kill.
    public let runner: any CommandRunner
    /// Reads and writes configuration files.
    public let files: any FileSystem
    /// Where things live on the machine.
    public let paths: HostPaths
    /// How long to wait for the engine to answer after an install, reload or restart.
    public var answerTimeout: Duration
    /// The pause between two probes while waiting.
    public var pollInterval: Duration

    /// Creates the docker host.
    public init(
        runner: any CommandRunner,
        files: any FileSystem,
        paths: HostPaths,
        answerTimeout: Duration = .seconds(120),
        pollInterval: Duration = .seconds(1)
    ) {
        self.runner = runner
        self.files = files
        self.paths = paths
        self.answerTimeout = answerTimeout
        self.pollInterval = pollInterval
    }

    /// The probe's arguments: `docker info --format {{.ServerVersion}}`.
    static let probe = ["info", "--format", "{{.ServerVersion}}"]

    /// Whether the engine answers (`docker info` exits 0).
    public func isAnswering() async -> Bool {
        (try? await DockerCLI(runner: runner).run(Self.probe))?.succeeded ?? false
    }

    /// Whether systemd manages services here.
    public var systemdIsRunning: Bool { files.exists(paths.systemdRuntimeDirectory) }

    /// Probes until the engine answers, at most `answerTimeout`.
    ///
    /// - Throws: `DockerHostError.engineNotAnswering` naming `after`.
    public func waitUntilAnswering(after: String) async throws(DockerHostError) {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: answerTimeout)
        while true {
            if await isAnswering() { return }
            guard clock.now < deadline else { throw .engineNotAnswering(after: after) }
            try? await Task.sleep(for: pollInterval)
        }
    }

    /// Writes `daemon.json` and the proxy drop-in when they change, then reloads or restarts dockerd as needed.
    ///
    /// `daemon.json` is `daemon-opts` ⊕ charm additions (see `DaemonConfiguration`), with `insecureRegistries` (the
    /// registries reached over plain http) merged into the operator's entries. A change confined to keys dockerd
    /// re-reads on `SIGHUP` (`DaemonReloadPolicy`) is a reload; any other change, and any change to the proxy drop-in,
    /// is a restart. Without systemd the charm reloads by `kill -HUP` but never restarts: it returns
    /// `.restartRequired`. When the reload or restart fails, the previous files are put back before throwing, so that
    /// the next attempt sees the change again.
    public func applyDaemonConfiguration(
        _ settings: DockerHostSettings,
        insecureRegistries: [String]
    ) async throws(DockerHostError) -> DaemonChange {
        let nvidia: Bool
        switch settings.requestedRuntime {
        case .nvidia: nvidia = true
        case .auto: nvidia = files.exists(paths.nvidiaContainerRuntime)
        default: nvidia = false
        }
        let content = try DaemonConfiguration.render(settings, insecureRegistries: insecureRegistries, nvidia: nvidia)
        let daemonBytes = try DaemonConfiguration.serialise(content)
        let dropInPath = Path.join(paths.dockerServiceDropInDirectory, ProxyDropIn.fileName)
        let dropIn = try ProxyDropIn.render(settings.effectiveProxy).map { Array($0.utf8) }

        let oldDaemon = try read(paths.daemonJSON)
        let oldDropIn = try read(dropInPath)
        var action = DaemonAction.none
        var keys: [String] = []
        if oldDaemon != daemonBytes || files.mode(of: paths.daemonJSON) != .publicReadable {
            let previous = DaemonConfiguration.parse(oldDaemon)
            action = DaemonReloadPolicy.action(from: previous, to: content)
            keys = DaemonReloadPolicy.changedKeys(from: previous ?? [:], to: content)
            try write(paths.daemonJSON, daemonBytes)
        }
        if oldDropIn != dropIn {
            // 0600: the proxy URLs may hold credentials.
            if let dropIn { try write(dropInPath, dropIn, mode: .ownerOnly) } else { try remove(dropInPath) }
            // The drop-in means nothing to a dockerd that systemd does not run.
            if systemdIsRunning {
                action = .restart
                keys.append("proxy environment")
            }
        } else if let dropIn, files.mode(of: dropInPath) != .ownerOnly {
            // Same content, written world-readable by an older revision: tighten it, no restart needed.
            try write(dropInPath, dropIn, mode: .ownerOnly)
        }

        do throws(DockerHostError) {
            switch action {
            case .none:
                return .unchanged
            case .reload:
                try await reload()
                return .reloaded
            case .restart:
                guard systemdIsRunning else { return .restartRequired(keys: keys) }
                try await restart()
                return .restarted
            }
        } catch {
            try restore(paths.daemonJSON, oldDaemon, mode: .publicReadable)
            try restore(dropInPath, oldDropIn, mode: .ownerOnly)
            throw error
        }
    }

    /// Makes dockerd re-read `daemon.json` without stopping, then waits until the engine answers.
    ///
    /// With systemd: `systemctl reload docker`; without: `kill -HUP` of the pid in `paths.dockerPIDFile`.
    public func reload() async throws(DockerHostError) {
        if systemdIsRunning {
            try await control(Command("systemctl", ["reload", "docker"]), action: "reload")
        } else {
            guard let number = try daemonPID(), number > 1 else {
                throw .daemonControlFailed(action: "reload", reason: "'\(paths.dockerPIDFile)' holds no pid")
            }
            try await control(Command("kill", ["-HUP", String(number)]), action: "reload")
        }
        try await waitUntilAnswering(after: "a reload")
    }

    /// dockerd's pid, from its pid file (`paths.dockerPIDFile`); `nil` when the file is absent or holds no number.
    public func daemonPID() throws(DockerHostError) -> Int? {
        let text = try read(paths.dockerPIDFile).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return Int32(text.trimmingWhitespace()).map(Int.init)
    }

    /// Restarts dockerd through systemd (`daemon-reload`, then `restart docker`) and waits until it answers.
    ///
    /// - Throws: `DockerHostError.daemonControlFailed` where systemd is absent: the charm never kills dockerd.
    public func restart() async throws(DockerHostError) {
        guard systemdIsRunning else {
            throw .daemonControlFailed(action: "restart", reason: "systemd is not running; restart dockerd by hand")
        }
        try await control(Command("systemctl", ["daemon-reload"]), action: "restart")
        try await control(Command("systemctl", ["restart", "docker"]), action: "restart")
        try await waitUntilAnswering(after: "a restart")
    }

    private func control(_ command: Command, action: String) async throws(DockerHostError) {
        do {
            try await runner.output(command)
        } catch {
            throw .daemonControlFailed(action: action, reason: error.description)
        }
    }

    func read(_ path: String) throws(DockerHostError) -> [UInt8]? {
        do { return try files.read(path) } catch { throw .file(error) }
    }

    func write(_ path: String, _ bytes: [UInt8], mode: FileMode = .publicReadable) throws(DockerHostError) {
        do { try files.write(path, bytes, mode: mode) } catch { throw .file(error) }
    }

    func remove(_ path: String) throws(DockerHostError) {
        do { try files.remove(path) } catch { throw .file(error) }
    }

    /// Removes dockerd's proxy drop-in (when the charm goes); returns whether there was one.
    ///
    /// dockerd keeps the proxy it started with until it is restarted.
    public func removeProxyDropIn() throws(DockerHostError) -> Bool {
        let path = Path.join(paths.dockerServiceDropInDirectory, ProxyDropIn.fileName)
        guard files.exists(path) else { return false }
        try remove(path)
        return true
    }

    private func restore(_ path: String, _ bytes: [UInt8]?, mode: FileMode) throws(DockerHostError) {
        if let bytes {
            if try read(path) != bytes { try write(path, bytes, mode: mode) }
        } else if files.exists(path) {
            try remove(path)
        }
    }
}
