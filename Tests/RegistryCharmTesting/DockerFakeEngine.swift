import Foundation
import JujuKit
public import JujuKitTesting
public import RegistryCharm
import Synchronization

/// A pretend dockerd behind `FakeCommandRunner`.
///
/// It keeps containers and images in memory, answers the docker verbs the charm uses the way the real CLI does (exit
/// codes, stderr wording, inspect JSON), and lets a test make a verb fail. Every command stays recorded by the
/// runner, so tests assert the exact argv.
public final class DockerFakeEngine: Sendable {
    /// Part of the fake engine's test API.
    public struct Container: Sendable {
        /// Part of the fake engine's test API.
        public var id: String
        /// Part of the fake engine's test API.
        public var name: String
        /// Part of the fake engine's test API.
        public var image: String
        /// Part of the fake engine's test API.
        public var running: Bool
        /// Part of the fake engine's test API.
        public var restarting: Bool = false
        /// Part of the fake engine's test API.
        public var labels: [String: String]
        /// Part of the fake engine's test API.
        public var arguments: [String] = []
        /// How often docker restarted it.
        public var restartCount = 0
        /// What `docker container logs` prints (on stderr, as the registry logs).
        public var logs = ""
        /// The pretend host pid of its main process (while it runs and is not restarting).
        public var pid = 0
        /// When it was last started (by `run -d` or `container start`), on the engine's own clock: its process's
        /// start time.
        public var starts = 0

        /// Whether its main process runs now.
        var hasProcess: Bool { running && !restarting }
    }

    private struct State {
        /// Part of the fake engine's test API.
        public var containers: [Container] = []
        var images: Set<String> = []
        var pullable: Set<String> = []
        var failures: [String: String] = [:]
        var nextID = 1
        /// Pids and start times are never reused, as a real kernel does not reuse them within a test's span.
        var clock = 0
        /// Whether the pretend dockerd process runs (see ``DockerFakeEngine/daemonPID``).
        var daemonRunning = true
        /// Logs a container started from now on crash-loops with (`nil`: containers run fine).
        var crashLogs: String?
        /// What `registry --version` prints in each image (the default for images not listed).
        var versions: [String: String] = [:]
    }

    /// What `registry --version` prints in an image the test did not describe: the official registry:2's answer.
    public static let defaultVersionLine = "registry github.com/docker/distribution 2.8.3"

    /// Part of the fake engine's test API.
    public let runner = FakeCommandRunner(strict: true)
    private let state = Mutex(State())

    /// Part of the fake engine's test API.
    public init() {
        runner.respond { [self] command in
            guard command.executable == "docker" else { return nil }
            return self.answer(command.arguments)
        }
    }

    /// The docker CLI wired to this engine.
    public var cli: DockerCLI { DockerCLI(runner: runner) }

    /// Adds a container; returns its id.
    @discardableResult
    public func addContainer(
        name: String,
        image: String = "registry:2",
        running: Bool,
        restarting: Bool = false,
        labels: [String: String] = [:],
        id: String? = nil
    ) -> String {
        state.withLock { state in
            let id = id ?? Self.makeID(&state.nextID)
            var container = Container(
                id: id,
                name: name,
                image: image,
                running: running,
                restarting: restarting,
                labels: labels
            )
            state.clock += 1
            container.pid = 10_000 + state.clock
            container.starts = running ? state.clock : 0
            state.containers.append(container)
            return id
        }
    }

    /// Makes `image` present locally.
    public func addImage(_ image: String) { state.withLock { _ = $0.images.insert(image) } }
    /// Makes `image` pullable from a registry.
    public func allowPull(_ image: String) { state.withLock { _ = $0.pullable.insert(image) } }

    /// Makes `registry --version` in `image` print `line` (`nil`: print nothing and fail, as a non-registry image).
    public func setVersion(_ image: String, _ line: String?) {
        state.withLock { $0.versions[image] = line ?? "" }
    }
    /// Makes the container `name` crash-loop: docker keeps restarting it; its logs end with `logs`.
    public func crash(_ name: String, logs: String, restartCount: Int = 3) {
        state.withLock { state in
            guard let index = state.containers.firstIndex(where: { $0.name == name }) else { return }
            state.containers[index].restarting = true
            state.containers[index].restartCount = restartCount
            state.containers[index].logs = logs
        }
    }

    /// Makes docker restart the container `name` after its process exited once (it runs again, with a new process).
    public func restartOnItsOwn(_ name: String) {
        state.withLock { state in
            guard let index = state.containers.firstIndex(where: { $0.name == name }) else { return }
            state.containers[index].restartCount += 1
        }
    }

    /// The pretend dockerd's pid (what a scenario writes to `/var/run/docker.pid`).
    public static let daemonPID = 4242

    /// Makes dockerd die: its process is gone and every docker command fails as the CLI does without a daemon.
    public func killDaemon() {
        state.withLock { $0.daemonRunning = false }
        fail("container", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.")
    }

    /// Makes every container started from now on crash-loop with `logs` (`nil`: they run fine again).
    public func crashOnStart(logs: String?) { state.withLock { $0.crashLogs = logs } }

    /// Makes every command whose argv starts with `verb` (`"run"`, `"container stop"`) fail with `stderr`.
    public func fail(_ verb: String, stderr: String) { state.withLock { $0.failures[verb] = stderr } }
    /// Lets commands starting with `verb` succeed again after ``fail(_:stderr:)``.
    public func stopFailing(_ verb: String) { state.withLock { $0.failures[verb] = nil } }

    /// The containers now, in creation order.
    public var containers: [Container] { state.withLock { $0.containers } }
    /// The container named `name`.
    public func container(named name: String) -> Container? { containers.first { $0.name == name } }

    /// The docker command lines run so far, without the program name.
    public var dockerLines: [String] {
        runner.commands.filter { $0.executable == "docker" }.map { $0.arguments.joined(separator: " ") }
    }

    // MARK: - The pretend CLI

    private func answer(_ arguments: [String]) -> CommandResult {
        let joined = arguments.joined(separator: " ")
        let failure = state.withLock { state in state.failures.first { joined.hasPrefix($0.key) }?.value }
        if let failure { return CommandResult(exitCode: 1, standardError: failure) }
        return state.withLock { state -> CommandResult in
            switch Array(arguments.prefix(2)) {
            case ["container", "inspect"]:
                return Self.inspect(arguments[2], &state)
            case ["image", "inspect"]:
                let image = arguments.last ?? ""
                return state.images.contains(image)
                    ? CommandResult(standardOutput: "sha256:\(image.hashValue)\n")
                    : CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: No such image: \(image)"
                    )
            case ["image", "pull"]:
                let image = arguments.last ?? ""
                guard state.pullable.contains(image) else {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: manifest for \(image) not found"
                    )
                }
                state.images.insert(image)
                return CommandResult(standardOutput: "\(image)\n")
            case ["run", "--rm"] where arguments.last == "--version":
                let image = arguments[arguments.count - 2]
                guard state.images.contains(image) else {
                    return CommandResult(exitCode: 125, standardError: "Unable to find image '\(image)' locally")
                }
                let line = state.versions[image] ?? Self.defaultVersionLine
                if line.isEmpty {
                    return CommandResult(exitCode: 127, standardError: "exec: \"--version\": executable file not found")
                }
                return CommandResult(standardOutput: line + "\n")
            case ["run", "-d"], ["container", "create"]:
                return Self.create(Array(arguments.dropFirst(2)), start: arguments[0] == "run", &state)
            case ["container", "start"]:
                let crashLogs = state.crashLogs
                state.clock += 1
                let clock = state.clock
                return Self.update(arguments[2], &state) {
                    $0.running = true
                    $0.starts = clock
                    if let crashLogs { Self.crashLoop(&$0, logs: crashLogs) }
                }
            case ["container", "logs"]:
                guard let index = Self.resolve(arguments.last ?? "", state.containers) else {
                    return Self.noSuchContainer(arguments.last ?? "")
                }
                return CommandResult(standardError: state.containers[index].logs)
            case ["container", "stop"]:
                return Self.update(arguments.last ?? "", &state) {
                    $0.running = false
                    $0.restarting = false
                }
            case ["container", "rename"]:
                let newName = arguments[3]
                if state.containers.contains(where: { $0.name == newName }) {
                    return CommandResult(
                        exitCode: 1,
                        standardError:
                            "Error response from daemon: Conflict. The name \"/\(newName)\" is already in use"
                    )
                }
                return Self.update(arguments[2], &state) { $0.name = newName }
            case ["container", "rm"]:
                let target = arguments.last ?? ""
                guard let index = Self.resolve(target, state.containers) else { return Self.noSuchContainer(target) }
                if state.containers[index].running, !arguments.contains("--force") {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "Error response from daemon: cannot remove a running container"
                    )
                }
                state.containers.remove(at: index)
                return CommandResult(standardOutput: "\(target)\n")
            case ["version", "--format"]:
                return CommandResult(standardOutput: "20.10.24+dfsg1\n")
            default:
                return CommandResult(exitCode: 1, standardError: "fake docker: unexpected command: \(joined)")
            }
        }
    }

    private static func crashLoop(_ container: inout Container, logs: String) {
        container.restarting = true
        container.restartCount += 1
        container.logs = logs
    }

    /// Docker resolves a reference as a full id, an exact name, then an id prefix.
    private static func resolve(_ reference: String, _ containers: [Container]) -> Int? {
        containers.firstIndex { $0.id == reference } ?? containers.firstIndex { $0.name == reference }
            ?? containers.firstIndex { $0.id.hasPrefix(reference) }
    }

    private static func inspect(_ reference: String, _ state: inout State) -> CommandResult {
        guard let index = resolve(reference, state.containers) else {
            return CommandResult(
                exitCode: 1,
                standardOutput: "[]\n",
                standardError: "Error response from daemon: No such container: \(reference)"
            )
        }
        return CommandResult(standardOutput: inspectJSON(state.containers[index]))
    }

    private static func create(_ options: [String], start: Bool, _ state: inout State) -> CommandResult {
        var name = ""
        var labels: [String: String] = [:]
        var index = 0
        // Options (each of these takes a value), then the image, then the command.
        while index < options.count - 1, options[index].hasPrefix("-") {
            switch options[index] {
            case "--name": name = options[index + 1]
            case "--label":
                let parts = options[index + 1].split(separator: "=", maxSplits: 1).map(String.init)
                labels[parts[0]] = parts.count > 1 ? parts[1] : ""
            default: break
            }
            index +=
                ["--name", "--label", "--network", "--restart", "--env-file", "-v", "--volumes-from", "-e"].contains(
                    options[index]
                ) ? 2 : 1
        }
        let image = index < options.count ? options[index] : ""
        if state.containers.contains(where: { $0.name == name }) {
            return CommandResult(
                exitCode: 125,
                standardError:
                    "docker: Error response from daemon: Conflict. The container name \"/\(name)\" is already in use."
            )
        }
        guard state.images.contains(image) else {
            return CommandResult(exitCode: 125, standardError: "Unable to find image '\(image)' locally")
        }
        let id = makeID(&state.nextID)
        var container = Container(id: id, name: name, image: image, running: start, labels: labels, arguments: options)
        state.clock += 1
        container.pid = 10_000 + state.clock
        container.starts = start ? state.clock : 0
        if start, let crashLogs = state.crashLogs { crashLoop(&container, logs: crashLogs) }
        state.containers.append(container)
        return CommandResult(standardOutput: "\(id)\n")
    }

    private static func update(_ reference: String, _ state: inout State, _ change: (inout Container) -> Void)
        -> CommandResult
    {
        guard let index = resolve(reference, state.containers) else { return noSuchContainer(reference) }
        change(&state.containers[index])
        return CommandResult(standardOutput: "\(reference)\n")
    }

    private static func noSuchContainer(_ reference: String) -> CommandResult {
        CommandResult(exitCode: 1, standardError: "Error response from daemon: No such container: \(reference)")
    }

    private static func makeID(_ next: inout Int) -> String {
        defer { next += 1 }
        let hex = String(next, radix: 16)
        return String(String(repeating: "c0ffee", count: 11).prefix(64 - hex.count)) + hex
    }

    /// The shape of `docker container inspect` output, trimmed to the fields the charm reads (and `Env`, which it
    /// must not read).
    static func inspectJSON(_ container: Container) -> String {
        let labels = container.labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }
        let status = container.restarting ? "restarting" : container.running ? "running" : "exited"
        return """
            [
                {
                    "Id": "\(container.id)",
                    "Name": "/\(container.name)",
                    "RestartCount": \(container.restartCount),
                    "Image": "sha256:0123",
                    "LogPath": "/var/lib/docker/containers/\(container.id)/\(container.id)-json.log",
                    "State": {
                        "Status": "\(status)",
                        "Running": \(container.running || container.restarting),
                        "Restarting": \(container.restarting),
                        "ExitCode": \(container.running ? 0 : 2),
                        "Pid": \(container.hasProcess ? container.pid : 0),
                        "StartedAt": "2026-11-23T17:21:42.695025039Z",
                        "FinishedAt": "0001-01-01T00:00:00Z"
                    },
                    "Config": {
                        "Env": ["HTTP_PROXY=http://user:hunter2@proxy:3128"],
                        "Image": "\(container.image)",
                        "Labels": {\(labels.joined(separator: ", "))}
                    }
                }
            ]

            """
    }
}

extension DockerFakeEngine: ProcessTable {
    /// The pretend `/proc`: a running container's main process, whose start time changes with each start and each
    /// restart docker makes.
    public func startTime(of pid: Int) -> String? {
        if pid == Self.daemonPID { return state.withLock { $0.daemonRunning } ? "daemon" : nil }
        return containers.first { $0.pid == pid && $0.hasProcess }.map { "\($0.starts).\($0.restartCount)" }
    }

    /// The pretend listeners: each running container of the charm's listens on the port its
    /// `-e REGISTRY_HTTP_ADDR=:<port>` names, else on ``registryPort``.
    public func listeningPorts() -> Set<Int> {
        Set(
            containers.filter { $0.hasProcess && $0.labels[ContainerLabels.managedBy] != nil }.map { container in
                container.arguments.lazy.compactMap { argument -> Int? in
                    guard argument.hasPrefix("REGISTRY_HTTP_ADDR=:") else { return nil }
                    return Int(argument.dropFirst("REGISTRY_HTTP_ADDR=:".count))
                }.first ?? Self.registryPort
            }
        )
    }

    /// The port a registry container listens on unless told otherwise (the charm's default `registry-port`).
    public static let registryPort = 5000
}
