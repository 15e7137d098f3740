import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// Hooks that fail halfway, as Juju sees them: statuses set before the failure stay, every buffered write
/// (relation data, ports, the unit state) is dropped, and the retry does the work once.
@Suite("Hooks that fail halfway and are retried")
struct HookFailureScenarioTests {
    @Test(
        "config-changed failing at open-port after re-creating: nothing committed; the retry commits without re-creating"
    )
    func failedReconfigureIsRetried() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let stateBefore = scenario.tools.model.state
        let containerBefore = try #require(scenario.docker.container(named: "registry"))
        scenario.tools.update { $0.failingCalls["open-port"] = .init() }
        scenario.resetRecording()

        let failed = await scenario.configure(["registry-port": 5050])
        #expect(failed.exitCode == 1)
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)], "the buffered close-port 5000 was dropped")
        #expect(scenario.tools.model.state == stateBefore, "the unit state was not committed")
        #expect(scenario.status == .maintenance("Reconfiguring the registry."))
        let recreated = try #require(scenario.docker.container(named: "registry"))
        #expect(recreated.id != containerBefore.id)

        scenario.resetRecording()
        let retried = await scenario.run(.unit(.configChanged))
        #expect(retried.exitCode == 0)
        #expect(scenario.tools.model.openedPorts == [PortRange(5050)])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5050 (http)."))
        #expect(scenario.docker.container(named: "registry")?.id == recreated.id, "the retry kept the container")
        #expect(!scenario.dockerLines.contains { $0.hasPrefix("run") })
        #expect(scenario.tools.model.state != stateBefore)
    }

    @Test("A hook that fails after `status-set maintenance …` is followed by a hook that shows the right status")
    func statusAfterFailedHook() async {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        // The image changes (a re-creation shows "Reconfiguring the registry."), then setting the final status fails.
        scenario.docker.addImage("localhost/registry:other")
        scenario.tools.update { $0.failingCalls["status-set"] = .init(after: 1) }
        let failed = await scenario.configure(["registry-image": "localhost/registry:other"])
        #expect(failed.exitCode == 1)
        #expect(scenario.status == .maintenance("Reconfiguring the registry."))
        // `juju resolved --no-retry`: the next hook is update-status, whose committed state says Ready was shown.
        scenario.resetRecording()
        let next = await scenario.run(.unit(.updateStatus))
        #expect(next.exitCode == 0)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.tools.calls.contains("status-set"))
        // Once confirmed, an idle update-status sets nothing.
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(!scenario.tools.calls.contains("status-set"))
    }

    @Test("a relation hook failing at its end publishes nothing; the retry publishes once")
    func failedRelationHookIsRetried() async {
        let scenario = Scenario()
        await scenario.deploy()
        let id = "docker-registry:7"
        scenario.tools.update {
            $0.relations[id] = .init(endpoint: "docker-registry", remoteApp: "containerd")
            $0.failingCalls["state-set"] = .init()
        }
        let created = HookEvent.relation(endpoint: "docker-registry", kind: .created)
        scenario.resetRecording()
        let failed = await scenario.run(created, relationID: id)
        #expect(failed.exitCode == 1)
        #expect(scenario.tools.calls.contains("relation-set"), "the hook wrote before it failed")
        #expect(scenario.published(id).isEmpty, "a failed hook's relation-set is dropped")
        #expect(!scenario.tools.hasPendingWrites)

        let retried = await scenario.run(created, relationID: id)
        #expect(retried.exitCode == 0)
        #expect(scenario.published(id)["registry_netloc"] == "\"10.0.0.5:5000\"")
        scenario.tools.update {
            $0.relations[id]?.remoteUnits = ["containerd/0"]
            $0.relations[id]?.remoteUnitData["containerd/0"] = ["ingress-address": "10.9.9.0"]
        }
        scenario.resetRecording()
        await scenario.run(
            .relation(endpoint: "docker-registry", kind: .joined),
            relationID: id,
            remoteUnit: "containerd/0"
        )
        #expect(!scenario.tools.calls.contains("relation-set"), "the retry recorded what it published")
    }

    @Test("a hook reads back its own buffered writes: state, ports and its own relation bag")
    func hookReadsItsOwnWrites() async throws {
        let tools = FakeHookTools()
        tools.update { $0.relations["peer:0"] = .init(endpoint: "peer", remoteApp: "docker-registry") }
        try await tools.stateSet(["k": "v"])
        try await tools.openPort(PortRange(5000))
        try await tools.relationSet(relationID: "peer:0", application: false, values: ["a": "1"])
        #expect(try await tools.stateGet() == ["k": "v"])
        #expect(try await tools.openedPorts() == [PortRange(5000)])
        #expect(
            try await tools.relationGet(relationID: "peer:0", member: "docker-registry/0", application: false) == [
                "a": "1"
            ]
        )
        #expect(tools.model.state.isEmpty && tools.model.openedPorts.isEmpty)
        #expect(!tools.finishHook(exitCode: 1))
        #expect(try await tools.stateGet().isEmpty)
        try await tools.stateSet(["k": "w"])
        #expect(tools.finishHook(exitCode: 0))
        #expect(tools.model.state == ["k": "w"])
    }
}
