import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("start and stop actions")
struct ContainerActionScenarioTests {
    @Test("stop removes the container and closes the port; hooks keep it stopped and blocked; start brings it back")
    func stopThenStart() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        let stopped = await scenario.action("stop")
        #expect(stopped.failure == nil)
        #expect(stopped.results["outcome"] == "success")
        #expect(scenario.docker.container(named: "registry") == nil)
        #expect(scenario.tools.model.openedPorts.isEmpty)
        #expect(scenario.status == .blocked("registry container was stopped. Run the start action to start it."))

        for event: HookEvent in [.unit(.updateStatus), .unit(.upgradeCharm), .unit(.configChanged)] {
            await scenario.run(event)
            #expect(scenario.docker.container(named: "registry") == nil, "\(event.name) must not start it")
            #expect(scenario.status == .blocked("registry container is stopped. Run the start action to start it."))
            #expect(scenario.tools.model.openedPorts.isEmpty)
        }

        let started = await scenario.action("start")
        #expect(started.failure == nil)
        #expect(started.results["outcome"] == "success")
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status == .active("registry container was started."))
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("stop remove=false keeps the stopped container; start starts that same container")
    func stopWithoutRemove() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        _ = await scenario.action("stop", ["remove": false])
        #expect(scenario.docker.container(named: "registry")?.running == false)
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.docker.container(named: "registry")?.running == false)
        _ = await scenario.action("start")
        #expect(scenario.docker.container(named: "registry")?.id == id)
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }

    @Test("a configuration change starts a registry the operator stopped, as in the reactive charm")
    func configChangeRestarts() async {
        let (scenario, _) = await Scenario.deployedForActions()
        _ = await scenario.action("stop")
        await scenario.configure(["log-level": "debug"])
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("other containers: started or stopped only when they exist; failures are the reactive charm's sentences")
    func otherContainers() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.docker.addContainer(name: "helper", running: true)
        let stopped = await scenario.action("stop", ["name": "helper", "remove": false])
        #expect(stopped.failure == nil)
        #expect(scenario.docker.container(named: "helper")?.running == false)
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(await scenario.action("start", ["name": "helper"]).failure == nil)
        #expect(scenario.docker.container(named: "helper")?.running == true)
        #expect(
            await scenario.action("stop", ["name": "ghost"]).failure
                == "Failed to stop container: ghost (no container has that name)."
        )
        #expect(
            await scenario.action("start", ["name": "ghost"]).failure
                == "Failed to start container: ghost (no container has that name)."
        )
        scenario.docker.fail("container stop", stderr: "Error response from daemon: cannot stop")
        #expect(await scenario.action("stop", ["name": "helper"]).failure == "Failed to stop container: helper.")
    }

    @Test("start fails with the reactive charm's sentence when docker refuses the container")
    func startFails() async {
        let (scenario, _) = await Scenario.deployedForActions()
        _ = await scenario.action("stop")
        scenario.docker.fail("run", stderr: "docker: Error response from daemon: failed to create shim task")
        let outcome = await scenario.action("start")
        #expect(outcome.failure == "Failed to start container: registry.")
        #expect(outcome.logs.contains { $0.contains("failed to create shim task") })
    }
}
