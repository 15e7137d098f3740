import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Synchronization
import Testing

@testable import RegistryCharm

/// Garbage collection of object storage several units share: every unit read-only while the leader collects.
@Suite("Shared object storage: every unit read-only while the leader collects")
struct SharedCollectionScenarioTests {
    static let s3: [String: JSONValue] = ObjectStorageScenarioTests.s3.merging(["storage-delete": true]) { $1 }
    static let changed = HookEvent.relation(endpoint: "peer", kind: .changed)

    /// A unit of a two-unit application on S3: `docker-registry/0`, the other unit `docker-registry/1`.
    static func unit(leader: Bool, name: String = "docker-registry/0", peer: String = "docker-registry/1") async
        -> (Scenario, ActionDockerFake)
    {
        let scenario = Scenario(config: s3, leader: leader)
        scenario.registry.state.withLock { $0.buckets = ["images"] }
        scenario.tools.update {
            $0.unitName = name
            $0.relations["peer:0"]?.remoteUnits = [peer]
            $0.relations["peer:0"]?.remoteUnitData[peer] = ["ingress-address": "10.0.0.6"]
            if !leader { $0.relations["peer:0"]?.localAppData["http-secret"] = "c2hhcmVk" }
        }
        let fake = ActionDockerFake(scenario)
        await scenario.deploy()
        return (scenario, fake)
    }

    var requestText: (Scenario) -> String? {
        { $0.tools.model.relations["peer:0"]?.localAppData[SharedCollection.requestKey] }
    }

    @Test("the leader asks, waits for every unit's answer, then collects read-only itself and withdraws the request")
    func leader() async throws {
        let (scenario, fake) = await Self.unit(leader: true)
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
        fake.state.withLock { $0.gcOutput = "5 blobs marked, 2 blobs and 0 manifests eligible for deletion\n" }
        scenario.resetRecording()
        let asked = await scenario.action("garbage-collect")
        #expect(asked.failure == nil, "\(asked.failure ?? "")")
        #expect(asked.results["scheduled"] == "true")
        let request = try #require(SharedCollection.Request(text: requestText(scenario)))
        #expect(asked.results["request"] == request.id)
        #expect(!scenario.actionDockerLines.contains { $0.contains("garbage-collect") || $0.contains("read-only") })

        // The other unit has not answered: nothing happens yet (update-status is not idle meanwhile).
        scenario.resetRecording()
        await scenario.run(Self.changed, relationID: "peer:0", remoteUnit: "docker-registry/1")
        #expect(!scenario.dockerLines.contains { $0.contains("garbage-collect") })
        #expect(requestText(scenario) != nil)

        // It answers: the leader collects with its own window, then withdraws the request.
        scenario.tools.update {
            $0.relations["peer:0"]?.remoteUnitData["docker-registry/1"]?[SharedCollection.requestKey] = request.id
        }
        scenario.resetRecording()
        await scenario.run(Self.changed, relationID: "peer:0", remoteUnit: "docker-registry/1")
        let lines = scenario.dockerLines.filter { !$0.hasPrefix("container inspect") }
        // On object storage a dry run first names the blobs, whose sizes the registry tells before they go.
        #expect(lines.first?.hasSuffix("garbage-collect --dry-run /etc/docker/registry/config.yml") == true, "\(lines)")
        #expect(lines.dropFirst().first?.hasPrefix("run -d --name registry.charm-read-only") == true, "\(lines)")
        #expect(
            lines.contains { $0.hasPrefix("run --rm --name registry.charm-collector") && $0.hasSuffix("config.yml") }
        )
        #expect(requestText(scenario) == nil)
        #expect(scenario.tools.model.logs.contains { $0.message.contains("with 2 units read-only freed 2 blobs") })
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status?.state == .active)
    }

    @Test("a unit that never answers ends the attempt after the timeout; the request goes")
    func timeout() async throws {
        let (scenario, _) = await Self.unit(leader: true)
        _ = await scenario.action("garbage-collect")
        #expect(requestText(scenario) != nil)
        scenario.now = scenario.now.addingTimeInterval(Double(SharedCollection.answerTimeoutSeconds + 1))
        await scenario.run(.unit(.updateStatus))
        #expect(requestText(scenario) == nil)
        #expect(scenario.tools.model.logs.contains { $0.message.contains("docker-registry/1 did not serve read-only") })
    }

    @Test("only the leader collects shared storage; a dry run works anywhere")
    func followerRefused() async {
        let (scenario, _) = await Self.unit(leader: false, name: "docker-registry/1", peer: "docker-registry/0")
        let refused = await scenario.action("garbage-collect")
        #expect(refused.failure?.contains("only the leader collects") == true)
        #expect(isOneSentence(refused.failure))
        #expect(await scenario.action("garbage-collect", ["dry-run": true]).failure == nil)
    }

    @Test("another unit serves read-only while the request stands, holds its configuration back, then is writable")
    func follower() async throws {
        let (scenario, _) = await Self.unit(leader: false, name: "docker-registry/1", peer: "docker-registry/0")
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        let request = SharedCollection.Request(
            id: "42-7",
            untagged: false,
            since: Int(scenario.now.timeIntervalSince1970)
        )
        scenario.tools.update { $0.relations["peer:0"]?.localAppData[SharedCollection.requestKey] = request.text }
        scenario.resetRecording()
        await scenario.run(Self.changed, relationID: "peer:0", remoteUnit: "docker-registry/0")
        #expect(scenario.tools.model.relations["peer:0"]?.localUnitData[SharedCollection.requestKey] == "42-7")
        #expect(scenario.docker.container(named: "registry.charm-read-only")?.running == true)
        #expect(scenario.docker.container(named: "registry")?.running == false)
        #expect(scenario.natRules.current.count == 4)
        #expect(scenario.status?.state == .maintenance)
        #expect(scenario.status?.message.hasPrefix("Read-only while the leader collects garbage") == true)

        // update-status leaves the window open; a new configuration waits for the end of it.
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.docker.container(named: "registry")?.running == false)
        #expect(scenario.status?.state == .maintenance)
        scenario.resetRecording()
        await scenario.configure(["log-level": "debug"])
        #expect(
            !scenario.dockerLines.contains {
                $0.hasPrefix("run -d --name registry ") || $0.hasPrefix("container start")
            }
        )
        #expect(scenario.status?.state == .maintenance)

        // The request goes: writable again, and the held-back configuration applies.
        scenario.tools.update { $0.relations["peer:0"]?.localAppData[SharedCollection.requestKey] = nil }
        scenario.resetRecording()
        await scenario.run(Self.changed, relationID: "peer:0", remoteUnit: "docker-registry/0")
        #expect(scenario.dockerLines.contains("container start \(id)"))
        #expect(scenario.tools.model.relations["peer:0"]?.localUnitData[SharedCollection.requestKey] == nil)
        #expect(scenario.docker.container(named: "registry.charm-read-only") == nil)
        #expect(scenario.natRules.current.isEmpty)
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("\"level\" : \"debug\"") == true)
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
    }
}
