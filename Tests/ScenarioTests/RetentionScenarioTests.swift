import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("Tag retention: the prune action and update-status's schedule")
struct RetentionScenarioTests {
    static let retention: [String: JSONValue] = [
        "storage-delete": true, "retention-keep-tags": 2, "retention-tag-pattern": "v*", "retention-interval": "1h",
    ]

    /// app: v1 (oldest) … v4 (newest), stable, latest; their images made a day apart.
    static func fill(_ scenario: Scenario) -> [String: String] {
        var digests: [String: String] = [:]
        for (index, tag) in ["v1", "v2", "v3", "v4", "stable", "latest"].enumerated() {
            digests[tag] = scenario.registry.add("app", tag, created: "2024-01-0\(index + 1)T00:00:00Z")
        }
        return digests
    }

    var deleteTargets: (Scenario) -> [String] {
        { scenario in scenario.registry.requests.filter { $0.request.method == "DELETE" }.map(\.request.target) }
    }

    @Test("prune dry-run deletes nothing and says what would go; prune deletes it and collects read-only")
    func prune() async throws {
        let (scenario, fake) = await Scenario.deployedForActions(Self.retention)
        let digests = Self.fill(scenario)
        scenario.resetRecording()
        let dry = await scenario.action("prune", ["dry-run": true])
        #expect(dry.failure == nil)
        #expect(dry.results["deleted"] == "2" && dry.results["kept"] == "4")
        #expect(dry.results["output"] == "app:v2\napp:v1")
        // Each manifest names a 900-byte layer and a 100-byte config of its own.
        #expect(dry.results["bytes-freed"] == "2000")
        #expect(deleteTargets(scenario).isEmpty)
        #expect(!scenario.actionDockerLines.contains { $0.contains("garbage-collect") })

        fake.state.withLock {
            $0.gcOutput = "2 blobs marked, 4 blobs and 0 manifests eligible for deletion\n"
        }
        let usage = Mutex(["9000", "7000"])
        scenario.docker.runner.respond { command in
            guard command.executable == "du" else { return nil }
            return CommandResult(standardOutput: "\(usage.withLock { $0.isEmpty ? "7000" : $0.removeFirst() })\t/srv\n")
        }
        let pruned = await scenario.action("prune")
        #expect(pruned.failure == nil, "\(pruned.failure ?? "")")
        #expect(pruned.results["deleted"] == "2" && pruned.results["kept"] == "4")
        #expect(pruned.results["bytes-freed"] == "2000")
        #expect(
            Set(deleteTargets(scenario))
                == ["/v2/app/manifests/\(digests["v1"] ?? "")", "/v2/app/manifests/\(digests["v2"] ?? "")"]
        )
        #expect(
            scenario.registry.state.withLock { Set($0.tags["app"]?.keys.map { $0 } ?? []) } == [
                "v3", "v4", "stable", "latest",
            ]
        )
        // The collection ran with the registry read-only (the twin started, then gone).
        #expect(scenario.actionDockerLines.contains { $0.hasPrefix("run -d --name registry.charm-read-only") })
        #expect(scenario.actionDockerLines.contains { $0.contains("garbage-collect /etc/docker/registry/config.yml") })
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }

    @Test("with filesystem storage the tag link's time ranks the tags, not the image's creation")
    func pushTimeRanks() async throws {
        let (scenario, _) = await Scenario.deployedForActions(Self.retention)
        _ = Self.fill(scenario)
        // Pushed in the opposite order of their creation: v1 last.
        for (index, tag) in ["v4", "v3", "v2", "v1"].enumerated() {
            let link = "/srv/registry/docker/registry/v2/repositories/app/_manifests/tags/\(tag)/current/link"
            try scenario.files.write(link, Array("sha256:x".utf8), mode: .publicReadable)
            scenario.files.setModificationTime(link, 1_000 + Double(index))
        }
        let dry = await scenario.action("prune", ["dry-run": true])
        #expect(dry.results["output"] == "app:v3\napp:v4")
    }

    @Test("prune refuses with one sentence when retention is off or storage-delete is false")
    func pruneRefused() async {
        let (scenario, _) = await Scenario.deployedForActions()
        #expect(
            await scenario.action("prune").failure
                == "Retention is off: set retention-keep-tags to the number of tags to keep per repository."
        )
    }

    @Test("update-status applies retention when due, once per interval; idle update-status stays one tool call")
    func schedule() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        _ = Self.fill(scenario)
        await scenario.configure(Self.retention)
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
        scenario.resetRecording()
        // Due at the first update-status after retention is turned on.
        await scenario.run(.unit(.updateStatus))
        #expect(deleteTargets(scenario).count == 2)
        #expect(scenario.registry.state.withLock { $0.tags["app"]?.count } == 4)
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")

        // Not due again within the hour: idle (one tool call, no docker, no request).
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        scenario.registry.state.withLock { $0.requests = [] }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        #expect(scenario.dockerLines.isEmpty && scenario.registry.requests.isEmpty)

        // An hour later it is due again; two newer v tags were pushed meanwhile.
        scenario.registry.add("app", "v5", created: "2024-02-01T00:00:00Z")
        scenario.registry.add("app", "v6", created: "2024-02-02T00:00:00Z")
        scenario.now = scenario.now.addingTimeInterval(3_601)
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(
            scenario.registry.state.withLock { Set($0.tags["app"]?.keys.map { $0 } ?? []) } == [
                "v5", "v6", "stable", "latest",
            ]
        )

        // Turned off: nothing is due any more.
        await scenario.configure(["retention-keep-tags": 0])
        scenario.now = scenario.now.addingTimeInterval(7_200)
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
    }

    @Test("retention-keep-tags without storage-delete blocks naming both options; the registry keeps serving")
    func needsStorageDelete() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["retention-keep-tags": 3])
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("retention-keep-tags") == true)
        #expect(scenario.status?.message.contains("storage-delete=true") == true)
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }
}
