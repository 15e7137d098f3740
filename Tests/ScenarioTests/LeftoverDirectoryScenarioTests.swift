import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// dockerd makes a directory where a bind-mounted file is missing; a unit deployed on such a machine must not fail.
@Suite("Directories dockerd left in place of the charm's files")
struct LeftoverDirectoryScenarioTests {
    @Test("config.yml, the certificate and the key as directories before install: the deploy ends Ready with files")
    func deployOverDirectories() async throws {
        let scenario = Scenario()
        for name in ["config.yml", "registry.crt", "registry.key"] {
            try scenario.files.createDirectory("/etc/docker/registry/\(name)", mode: .publicDirectory)
        }
        for event: HookEvent in [
            .unit(.install), .relation(endpoint: "peer", kind: .created), .unit(.leaderElected),
            .unit(.configChanged), .unit(.start),
        ] {
            #expect(await scenario.run(event).exitCode == 0, "\(event)")
        }
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(!scenario.files.isDirectory("/etc/docker/registry/config.yml"))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("\"version\" : \"0.1\"") == true)
    }
}

/// A hook killed between parking the old container and removing it leaves `<name>.charm-previous` behind.
@Suite("A container parked by an interrupted re-creation")
struct ParkedContainerScenarioTests {
    @Test("the next reconcile removes it, even when it changes nothing else")
    func parkedContainerGoes() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        // A re-creation killed after the new container started: the old one is parked (stopped), a new one of the
        // same spec runs (a new process, so the next hook looks at docker).
        let old = try #require(scenario.docker.container(named: "registry"))
        _ = try? await scenario.docker.runner.run(Command("docker", ["container", "rm", "--force", old.id]))
        let parked = scenario.docker.addContainer(
            name: "registry.charm-previous",
            image: Scenario.image,
            running: false,
            labels: old.labels
        )
        scenario.docker.addContainer(name: "registry", image: Scenario.image, running: true, labels: old.labels)
        let running = try #require(scenario.docker.container(named: "registry"))
        await scenario.run(.unit(.configChanged))
        #expect(scenario.docker.container(named: "registry.charm-previous") == nil)
        #expect(scenario.docker.containers.map(\.id) == [running.id])
        #expect(scenario.dockerLines.contains("container rm --force --volumes \(parked)"))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.tools.model.logs.contains { $0.message.contains("left by an interrupted re-creation") })
    }
}
