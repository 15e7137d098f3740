import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("Deploy and idle hooks")
struct DeployScenarioTests {
    @Test("the deploy sequence ends Ready, with one container created once and the port opened")
    func deploy() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.docker.containers.count == 1)
        let runs = scenario.docker.runner.commands.filter { $0.arguments.prefix(2) == ["run", "-d"] }
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.arguments.contains("--network") && run.arguments.contains("host"))
        #expect(run.arguments.contains("unless-stopped"))
        // The image's entrypoint is kept and told which configuration to serve (the same on every image layout).
        #expect(run.arguments.suffix(3) == [Scenario.image, "serve", "/etc/docker/registry/config.yml"])
        // The registry's version is read once, in a throw-away container without network.
        let versionRuns = scenario.dockerLines.filter { $0.hasPrefix("run --rm") }
        #expect(versionRuns == ["run --rm --network none \(Scenario.image) --version"])
        #expect(scenario.tools.model.applicationVersion == "2.8.3")
        #expect(run.arguments.contains("/srv/registry:/var/lib/registry"))
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
        let config = try #require(scenario.files.files["/etc/docker/registry/config.yml"])
        #expect(config.mode == .ownerOnly)
    }

    @Test("the leader shares a 44-character http secret through peer app data, and config.yml uses it")
    func httpSecret() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let secret = try #require(scenario.tools.model.relations["peer:0"]?.localAppData["http-secret"])
        #expect(secret.count == 44)
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains(secret) == true)
        #expect(!scenario.everythingPrinted.contains(secret))
    }

    @Test("a secret left in leader settings by the reactive charm is adopted")
    func adoptsLegacySecret() async throws {
        let scenario = Scenario()
        let legacy = String(repeating: "A", count: 43) + "="
        scenario.tools.update { $0.leaderSettings["http-secret"] = legacy }
        await scenario.deploy()
        #expect(scenario.tools.model.relations["peer:0"]?.localAppData["http-secret"] == legacy)
    }

    @Test("Juju 4 has no leader settings: leader-get is never called and the leader generates the secret")
    func juju4NoLeaderSettings() async throws {
        let scenario = Scenario()
        scenario.jujuVersion = "4.0.0"
        await scenario.deploy()
        #expect(!scenario.tools.calls.contains("leader-get"))
        #expect(!scenario.tools.calls.contains("leader-set"))
        #expect(scenario.tools.model.relations["peer:0"]?.localAppData["http-secret"]?.count == 44)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("a follower without the shared secret still serves, and picks the secret up when it arrives")
    func followerSecret() async throws {
        let scenario = Scenario(leader: false)
        await scenario.deploy()
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("\"secret\"") == false)
        let secret = "follower-visible-secret-value-0123456789abc="
        scenario.tools.update { $0.relations["peer:0"]?.localAppData["http-secret"] = secret }
        let before = scenario.docker.containers.first?.id
        await scenario.run(.relation(endpoint: "peer", kind: .changed))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains(secret) == true)
        #expect(scenario.docker.containers.first?.id != before)
    }

    @Test("update-status with nothing to do: one tool call (state-get), no docker call, no request, no writes")
    func idleUpdateStatus() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        scenario.registry.state.withLock { $0.requests = [] }
        let outcome = await scenario.run(.unit(.updateStatus))
        #expect(outcome.exitCode == 0)
        #expect(scenario.tools.calls == ["state-get"])
        // The process the last hook found serving still runs: docker is not asked.
        #expect(scenario.dockerLines.isEmpty)
        #expect(scenario.registry.requests.isEmpty)
        #expect(scenario.files.writes.isEmpty)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("update-status reads the configuration when it has work: a blocked unit stays blocked with its reason")
    func updateStatusNeedsConfig() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["storage-cache": "redis"])
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls.contains("config-get"))
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("storage-cache") == true)
        #expect(!scenario.tools.calls.contains("status-set"))
    }

    @Test("a config-changed that changes nothing re-creates nothing and writes nothing")
    func idleConfigChanged() async {
        let scenario = Scenario()
        await scenario.deploy()
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        // The process last found serving still runs in the container of this spec: docker is not asked.
        #expect(scenario.dockerLines.isEmpty)
        #expect(scenario.files.writes.isEmpty)
        #expect(!scenario.tools.calls.contains("status-set"))
    }

    @Test("update-status restarts a container that died on its own")
    func restartsDeadContainer() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = try #require(scenario.docker.containers.first?.id)
        _ = try await scenario.docker.cli.stop(id, timeoutSeconds: 1)
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        // One read, the start, then reads of its state while it settles (through the engine's socket on a unit).
        #expect(Array(scenario.dockerLines.prefix(2)) == ["container inspect registry", "container start registry"])
        #expect(scenario.dockerLines.dropFirst(2).allSatisfy { $0 == "container inspect registry" })
        #expect(scenario.docker.containers.first?.running == true)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("an action the charm does not know fails with a full sentence")
    func unknownAction() async {
        let scenario = Scenario()
        await scenario.deploy()
        let outcome = await scenario.run(.action("frobnicate"))
        #expect(outcome.exitCode == 0)
        #expect(scenario.tools.model.actionFailure == "The frobnicate action is not known to this charm.")
    }
}

@Suite("Docker engine trouble")
struct EngineTroubleScenarioTests {
    @Test("update-status with dockerd not answering blocks with a hint instead of failing the hook")
    func engineDown() async {
        let scenario = Scenario()
        await scenario.deploy()
        // The registry's process would still be found running: dockerd's own process is what tells.
        scenario.docker.killDaemon()
        let outcome = await scenario.run(.unit(.updateStatus))
        #expect(outcome.exitCode == 0)
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("docker engine does not answer") == true)
    }
}

@Suite("Idle update-status reads /proc, not docker")
struct IdleProcessScenarioTests {
    @Test("the first update-status after deploy is idle: the hook that started the container recorded its process")
    func firstUpdateStatusIsIdle() async {
        let scenario = Scenario()
        await scenario.deploy()
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        #expect(scenario.dockerLines.isEmpty)
    }

    @Test("a registry process docker restarted (same container, new process) sends update-status down the full path")
    func restartedProcessIsNoticed() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        // docker restarts it (restart policy): a new process in the same container.
        _ = try await scenario.docker.cli.stop(id, timeoutSeconds: 1)
        _ = try await scenario.docker.cli.start(id)
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls.contains("config-get"))
        #expect(scenario.dockerLines.first == "container inspect registry")
        #expect(scenario.status?.state == .active)
        // Recorded again: the next one is idle.
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        #expect(scenario.dockerLines.isEmpty)
    }

    @Test("/proc/<pid>/stat: the start time is field 22, found after the last ')' of the command name")
    func statParsing() {
        let line = "4242 (registry (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 5 3 0 0 20 0 9 0 123456 0 0\n"
        #expect(ProcFileSystem.startTime(inStat: line) == "123456")
        #expect(ProcFileSystem.startTime(inStat: "4242 (registry) S 1 2") == nil)
        #expect(ProcFileSystem.startTime(inStat: "garbage") == nil)
    }
}

@Suite("An unchanged reconcile reads /proc, not docker")
struct UnchangedReconcileScenarioTests {
    @Test("a change to the container's spec is still applied: the recorded process only stands for its own spec")
    func specChangeRecreates() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let before = try #require(scenario.docker.container(named: "registry")?.id)
        await scenario.configure(["registry-port": .int(5050)])
        let after = try #require(scenario.docker.container(named: "registry")?.id)
        #expect(after != before)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5050 (http)."))
    }

    @Test("a registry process that died sends config-changed to docker: the container is started again")
    func deadProcessIsNoticed() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        _ = try await scenario.docker.cli.stop(id, timeoutSeconds: 1)
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        #expect(scenario.dockerLines.contains("container inspect registry"))
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }
}
