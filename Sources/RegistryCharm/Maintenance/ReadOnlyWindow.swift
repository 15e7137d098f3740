import JujuKit

/// A span of time in which the registry serves read-only on its own port, without refusing a single connection, so
/// that the garbage collector may run while pulls go on.
///
/// distribution reads `storage.maintenance.readonly` only at start, and two processes cannot listen on one port, so
/// the window hands the port over instead of restarting the registry in place:
/// 1. a read-only twin (``standbyName(_:)``) starts from the same image, mounts and environment, with
///    ``HostPaths/readOnlyConfigFile`` (the configuration with `storage.maintenance.readonly` on and no debug
///    listener), on a free port;
/// 2. ``PortRedirect`` sends new connections for the registry port to the twin; connections already open stay;
/// 3. the registry is stopped: it finishes the requests in flight (`http.draintimeout`) and exits; the kernel's
///    tracked connections that went to it are deleted (``TrackedConnections``), so that no client reusing a source
///    port is sent where nothing listens any more.
///
/// Closing reverses it: the registry starts, and once it listens the redirect goes and the twin drains and goes
/// (its tracked connections with it).
/// Pushes during the window get the registry's own refusal (`405 UNSUPPORTED`, read-only mode).
///
/// A record of the window (``HostPaths/readOnlyWindowFile``, written before anything changes and removed last)
/// survives a killed hook: the next hook finds it and closes the window (``recoverIfLeft(_:log:)``).
struct ReadOnlyWindow {
    /// What an open window changed, as recorded on disk.
    struct Record: Equatable {
        /// The registry container's name.
        var container: String
        /// The read-only twin's name.
        var standby: String
        /// The collector's container name (removed when a killed hook left it running).
        var collector: String
        /// The redirect of the registry port to the twin's.
        var redirect: PortRedirect
        /// The leader's request this window answers (``SharedCollection``), which outlives the hook; `nil` for a
        /// window this unit's own collection opened and closes within one hook.
        var request: String?

        var json: JSONValue {
            var object: [String: JSONValue] = [
                "container": .string(container), "standby": .string(standby), "collector": .string(collector),
                "port": .int(redirect.port), "standbyPort": .int(redirect.target),
            ]
            if let request { object["request"] = .string(request) }
            return .object(object)
        }

        init(container: String, standby: String, collector: String, redirect: PortRedirect, request: String? = nil) {
            self.container = container
            self.standby = standby
            self.collector = collector
            self.redirect = redirect
            self.request = request
        }

        init?(json: JSONValue) {
            guard let object = json.objectValue, let container = object["container"]?.stringValue,
                let standby = object["standby"]?.stringValue, let collector = object["collector"]?.stringValue,
                let port = object["port"]?.intValue, let target = object["standbyPort"]?.intValue
            else { return nil }
            self.init(
                container: container,
                standby: standby,
                collector: collector,
                redirect: PortRedirect(port: port, target: target),
                request: object["request"]?.stringValue
            )
        }
    }

    /// Why the window could not open; the registry serves writable as before.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let environment: CharmEnvironment
    /// Progress lines (`action-log` in an action, the unit log in a hook).
    let log: (String) async -> Void

    /// How long the old listener keeps taking requests after new connections went to the other one, before it is
    /// stopped: a connection that reached it just before the switch sends its request meanwhile (one stopped
    /// between the two was seen waiting out the drain time and failing, on a unit with S3 storage).
    static let handOverMilliseconds = 1500

    /// How long the twin or the registry may take to listen.
    static let listenTimeoutMilliseconds = 30_000

    /// The kernel's tracked connections (see ``TrackedConnections``).
    private var connections: TrackedConnections { TrackedConnections(files: environment.files) }

    /// The read-only twin of the registry container `name`.
    static func standbyName(_ name: String) -> String { name + ".charm-read-only" }
    /// The garbage collector's container for the registry container `name`.
    static func collectorName(_ name: String) -> String { name + ".charm-collector" }

    /// Whether a window is open (or was left open by a killed hook): one `stat`, no docker call.
    static func isOpen(_ environment: CharmEnvironment) -> Bool {
        environment.files.exists(environment.paths.readOnlyWindowFile)
    }

    /// Opens the window for the running registry `container`, configured by `config`.
    ///
    /// - Throws: ``Failure`` when the twin does not start or the port cannot be redirected; whatever was done is
    ///   undone first, and the registry keeps serving writable.
    func open(container: ContainerInfo, config: CharmConfig, request: String? = nil) async throws -> Record {
        let paths = environment.paths
        let docker = environment.docker
        guard environment.files.exists(paths.readOnlyConfigFile) else {
            throw Failure(
                description: "\(paths.readOnlyConfigFile) is missing; it is written with the registry's configuration"
                    + " (run the action again after the next config-changed or update-status)"
            )
        }
        guard
            let port = ListeningPorts.free(
                after: config.registryPort,
                listening: environment.processes.listeningPorts(),
                excluding: [config.debugPort]
            )
        else {
            throw Failure(description: "no free port after \(config.registryPort) for the read-only registry")
        }
        let record = Record(
            container: container.name,
            standby: Self.standbyName(container.name),
            collector: Self.collectorName(container.name),
            redirect: PortRedirect(port: config.registryPort, target: port),
            request: request
        )
        try write(record)
        do {
            if let leftover = try await docker.inspect(record.standby) { try await docker.forceRemove(leftover.id) }
            await log("Starting a read-only registry on port \(port).")
            var arguments = [
                "run", "-d", "--name", record.standby, "--network", "host", "--restart", "no",
                "--label", "\(ContainerLabels.managedBy)=\(ContainerLabels.managedByValue)",
                "--volumes-from", container.id,
                "-v", Mount(source: paths.readOnlyConfigFile, target: paths.readOnlyConfigFile).volumeArgument,
                "-e", "REGISTRY_HTTP_ADDR=:\(port)",
            ]
            if environment.files.exists(paths.environmentFile) { arguments += ["--env-file", paths.environmentFile] }
            arguments += [container.image, "serve", paths.readOnlyConfigFile]
            let started = try await docker.run(arguments)
            guard started.succeeded else {
                throw Failure(description: "docker refused the read-only registry: \(started.reason)")
            }
            guard try await waitUntilListening(port, container: record.standby) else {
                let logs = (try? await docker.logs(record.standby, lines: 5)) ?? ""
                throw Failure(description: "the read-only registry did not listen on port \(port): \(logs)")
            }
            if let warning = try await record.redirect.apply(environment.runner) { await log(warning) }
            // Connections made just before the switch get their requests in before the registry is told to stop.
            await environment.pause(Self.handOverMilliseconds)
            await log(
                "New connections to port \(config.registryPort) go to the read-only registry; stopping \(container.name)."
            )
            // Entries of connections the registry served: a client reusing one's source port would be sent there
            // (refused while it drains, and once it is gone). Closed ones first, then every one.
            try await stopForgettingConnections(container.id, port: config.registryPort, servedOn: config.registryPort)
        } catch {
            await log("Could not make the registry read-only: \(error); it stays writable.")
            try? await close(record)
            if let failure = error as? Failure { throw failure }
            throw Failure(description: "\(error)")
        }
        return record
    }

    /// Closes the window `record` describes.
    ///
    /// The registry runs and listens again, the redirect and the twin go, the record goes last. Safe to repeat.
    ///
    /// - Throws: ``Failure`` when the registry does not listen again; the twin then keeps serving read-only behind
    ///   the redirect, and the record stays for the next hook to try again.
    func close(_ record: Record) async throws {
        let docker = environment.docker
        if let collector = try await docker.inspect(record.collector) {
            await log("Removing the collector \(record.collector), left by an interrupted collection.")
            try await docker.forceRemove(collector.id)
        }
        let container = try await docker.inspect(record.container)
        if let container, !(container.isRunning || container.isRestarting) {
            await log("Starting \(record.container) again.")
            try await docker.start(container.id)
        }
        let standby = try await docker.inspect(record.standby)
        let standbyServes = standby.map { $0.isRunning } ?? false
        if container != nil, try await !waitUntilListening(record.redirect.port, container: record.container) {
            if standbyServes {
                throw Failure(
                    description: "\(record.container) does not listen on port \(record.redirect.port) again; the"
                        + " read-only registry keeps serving it"
                )
            }
        }
        // New connections go to the registry again; those the twin holds finish there (it drains as it stops).
        await record.redirect.bypass(environment.runner)
        if let standby {
            await environment.pause(Self.handOverMilliseconds)
            if standby.isRunning {
                try await stopForgettingConnections(
                    standby.id,
                    port: record.redirect.port,
                    servedOn: record.redirect.target
                )
            }
            try await docker.forceRemove(standby.id)
        }
        await record.redirect.remove(environment.runner)
        try environment.files.remove(environment.paths.readOnlyWindowFile)
        await log("The registry is writable again.")
    }

    /// Closes a window a killed hook left open; nothing when there is none (one `stat`).
    ///
    /// A window that answers the leader's request stays: ``SharedCollection`` closes it when the request goes.
    static func recoverIfLeft(_ environment: CharmEnvironment, log: @escaping (String) async -> Void)
        async throws
    {
        guard isOpen(environment) else { return }
        guard let record = try current(environment) else {
            try environment.files.remove(environment.paths.readOnlyWindowFile)
            return
        }
        guard record.request == nil else { return }
        await log("A read-only window was left open by an interrupted hook; closing it.")
        try await ReadOnlyWindow(environment: environment, log: log).close(record)
    }

    /// The open window's record; `nil` when none is open or its record cannot be read.
    static func current(_ environment: CharmEnvironment) throws -> Record? {
        guard let bytes = try environment.files.read(environment.paths.readOnlyWindowFile),
            let json = try? JSONValue(parsing: bytes)
        else { return nil }
        return Record(json: json)
    }

    private func write(_ record: Record) throws {
        let text = JSONText.encode(record.json) + "\n"
        try environment.files.write(environment.paths.readOnlyWindowFile, Array(text.utf8), mode: .ownerOnly)
    }

    /// Stops the container `id`, which serves `port` on `servedPort`, and deletes the kernel's tracked connections
    /// that went to it: the closed ones before it stops, every one once it is gone.
    private func stopForgettingConnections(_ id: String, port: Int, servedOn servedPort: Int) async throws {
        if let warning = connections.forget(to: port, servedOn: servedPort, openOnesToo: false) { await log(warning) }
        try await environment.docker.stop(id, timeoutSeconds: environment.containers.stopTimeoutSeconds)
        if let warning = connections.forget(to: port, servedOn: servedPort) { await log(warning) }
    }

    /// Polls the listening ports every 100 ms until `port` is listened on; `false` after the timeout, or as soon as
    /// `container` is not running any more.
    private func waitUntilListening(_ port: Int, container: String) async throws -> Bool {
        var waited = 0
        while waited <= Self.listenTimeoutMilliseconds {
            if environment.processes.listeningPorts().contains(port) { return true }
            if waited % 1000 == 0, let info = try await environment.docker.inspect(container), !info.isRunning {
                return false
            }
            await environment.pause(100)
            waited += 100
        }
        return false
    }
}
