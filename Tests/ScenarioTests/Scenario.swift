import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization

/// One unit of the charm on a pretend machine: fake hook tools, a fake docker engine, an in-memory disk.
///
/// `run(_:)` dispatches an event exactly as `main.swift` does, so a test is "hook in → effects out".
final class Scenario: @unchecked Sendable {
    let tools: FakeHookTools
    let docker = DockerFakeEngine()
    let files = InMemoryFileSystem()
    /// The charm directory's own files (the status marker), apart from the machine's files tests look at.
    let charmFiles = InMemoryFileSystem()
    let paths = HostPaths()
    /// The Juju version the hooks see (`JUJU_VERSION`).
    var jujuVersion = "3.6.4"
    /// The registry's HTTP API, in memory (the list, delete and garbage-collect actions, the `/v2/` probe), answering
    /// as the config.yml the charm wrote says.
    let registry: FakeRegistryTransport
    /// The space of the file system each path is on (`nil`: unknown, no note in the status).
    var diskSpace: @Sendable (String) -> DiskSpace? = { _ in nil }
    /// A minute from now: test certificates made a moment ago are valid.
    var now = Date().addingTimeInterval(60)
    /// The NAT rules iptables and ip6tables hold, as `<tool> -t nat -A <chain> …` lines.
    let natRules = NATRules()

    /// A pretend NAT table.
    final class NATRules: Sendable {
        let lines = Mutex<[String]>([])
        /// The rules now.
        var current: [String] { lines.withLock { $0 } }
    }

    static let image = "localhost/registry:test"
    /// Where the charm directory is on the pretend disk (its `templates/` are copied there from the repository).
    static let charmDirectory = "/var/lib/juju/agents/unit-docker-registry-0/charm"
    /// The repository root (this file is Tests/ScenarioTests/Scenario.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    init(config: [String: JSONValue] = [:], leader: Bool = true) {
        var model = FakeHookTools.Model()
        model.config = ["registry-image": .string(Self.image)].merging(config) { $1 }
        model.isLeader = leader
        model.relations["peer:0"] = .init(endpoint: "peer", remoteApp: "docker-registry")
        tools = FakeHookTools(model)
        // The pull listener answers on the port its configuration names; the registry on every other.
        registry = FakeRegistryTransport { [files, paths] port in
            if let pull = try? files.read(paths.pullConfigFile),
                String(decoding: pull, as: UTF8.self).contains("\":\(port)\"")
            {
                return pull
            }
            return try? files.read(paths.configFile)
        }
        docker.addImage(Self.image)
        // The engine answers, dockerd has a pid to reload, systemd is absent (as on the test machine).
        docker.runner.on("docker", ["info"], result: CommandResult(standardOutput: "28.2.2\n"))
        docker.runner.on("kill", ["-HUP"], result: CommandResult())
        // The read-only window's NAT redirect (garbage-collect): rules kept per tool, `-I` adds, `-D` removes one.
        let natRules = self.natRules
        docker.runner.respond { command in
            guard ["iptables", "ip6tables"].contains(command.executable),
                let verb = command.arguments.firstIndex(where: { $0 == "-I" || $0 == "-D" })
            else { return nil }
            var rule = command.arguments
            rule[verb] = "-A"
            let line = ([command.executable] + rule).joined(separator: " ")
            return natRules.lines.withLock { rules in
                if command.arguments[verb] == "-I" {
                    rules.append(line)
                    return CommandResult()
                }
                guard let index = rules.firstIndex(of: line) else {
                    return CommandResult(
                        exitCode: 1,
                        standardError: "iptables: Bad rule (does a matching rule exist in that chain?)."
                    )
                }
                rules.remove(at: index)
                return CommandResult()
            }
        }
        try? files.write("/var/run/docker.pid", text: "\(DockerFakeEngine.daemonPID)\n", mode: .publicReadable)
        let templates = Self.repository.appendingPathComponent("templates")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: templates.path)) ?? [] {
            let text = (try? String(contentsOf: templates.appendingPathComponent(name), encoding: .utf8)) ?? ""
            try? files.write("\(Self.charmDirectory)/templates/\(name)", text: text, mode: .publicReadable)
        }
    }

    /// Runs one event and returns what the dispatcher reports.
    @discardableResult
    func run(
        _ event: HookEvent,
        relationID: String? = nil,
        remoteUnit: String? = nil,
        departingUnit: String? = nil,
        secretID: String? = nil
    ) async -> CharmDispatcher.Outcome {
        let remoteApp = relationID.flatMap { tools.model.relations[$0]?.remoteApp }
        let context = HookContext(
            event: event,
            unitName: tools.model.unitName,
            charmDirectory: Self.charmDirectory,
            jujuVersion: jujuVersion,
            relationID: relationID,
            remoteUnit: remoteUnit,
            remoteApp: remoteApp ?? remoteUnit.map { String($0.split(separator: "/")[0]) },
            departingUnit: departingUnit,
            secretID: secretID
        )
        let environment = CharmEnvironment(
            runner: docker.runner,
            files: files,
            paths: paths,
            now: { [now] in now },
            pause: { _ in },
            registryTransport: registry,
            diskSpace: diskSpace,
            processes: docker
        )
        let outcome = await CharmDispatcher(
            context: context,
            tools: tools,
            digest: ContainerDigest.sha256Hex,
            statusMarker: StatusMarker.inCharm(Self.charmDirectory, files: charmFiles)
        ).run(RegistryCharm(environment: environment))
        // As Juju does: the hook's relation data, ports and state are committed only when it exits 0.
        tools.finishHook(exitCode: outcome.exitCode)
        return outcome
    }

    /// Runs Juju's deploy sequence: install, peer relation-created, leader-elected, config-changed, start.
    func deploy() async {
        for event: HookEvent in [
            .unit(.install), .relation(endpoint: "peer", kind: .created), .unit(.leaderElected),
            .unit(.configChanged), .unit(.start),
        ] {
            await run(event)
        }
    }

    /// Changes config and runs config-changed.
    @discardableResult
    func configure(_ changes: [String: JSONValue]) async -> CharmDispatcher.Outcome {
        tools.update { $0.config.merge(changes) { $1 } }
        return await run(.unit(.configChanged))
    }

    /// Forgets recorded calls, commands and writes, so a test can look at one hook's effects.
    func resetRecording() {
        tools.update { $0.calls = [] }
        docker.runner.resetRecording()
        files.resetRecording()
    }

    /// The last status set.
    var status: WorkloadStatus? { tools.lastStatus }

    /// A file's text.
    func text(_ path: String) -> String? { files.files[path].map { String(decoding: $0.content, as: UTF8.self) } }

    /// docker verbs run since the last reset (for example `container inspect registry`).
    var dockerLines: [String] { docker.dockerLines }

    /// Everything the charm said to the outside: logs, statuses, docker and tool arguments.
    var everythingPrinted: String {
        let model = tools.model
        return
            (model.logs.map(\.message) + model.statusHistory.map(\.message)
            + docker.runner.commands.map(\.description)).joined(separator: "\n")
    }
}
