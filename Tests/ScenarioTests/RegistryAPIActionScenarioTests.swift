import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("list, delete and garbage-collect actions")
struct RegistryAPIActionScenarioTests {
    @Test("list: every catalog and tag page, each tag's digest and size, as JSON and as text")
    func list() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        let app = scenario.registry.add("team/app", "1.0", size: 3 << 20)
        scenario.registry.add("team/app", "2.0")
        scenario.registry.add("team/app", "latest")
        let busybox = scenario.registry.add("busybox", "test", size: 2048)
        scenario.registry.add("zeta", "x")
        let outcome = await scenario.action("list")
        #expect(outcome.failure == nil)
        let json = try #require(outcome.results["result"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: [[String: Any]]]
        let repositories = try #require(decoded?["repositories"])
        #expect(repositories.map { $0["name"] as? String } == ["busybox", "team/app", "zeta"])
        let appTags = try #require(repositories[1]["tags"] as? [[String: Any]])
        #expect(appTags.map { $0["tag"] as? String } == ["1.0", "2.0", "latest"])
        #expect(appTags[0]["digest"] as? String == app)
        #expect(appTags[0]["size"] as? Int == 3 << 20)
        #expect(outcome.results["output"]?.split(separator: "\n").first == "busybox:test \(busybox) 2.0 KiB")
        #expect(outcome.results["output"]?.contains("team/app:1.0 \(app) 3.0 MiB") == true)
        // Two catalog pages (page size 2 in the fake) were followed.
        #expect(scenario.registry.requests.filter { $0.request.target.hasPrefix("/v2/_catalog") }.count == 2)
        #expect(scenario.registry.requests.allSatisfy { $0.endpoint == "http://127.0.0.1:5000" })
    }

    @Test("list repository= lists one repository; with basic auth every request carries the credentials")
    func listOneWithAuth() async throws {
        let (scenario, _) = await Scenario.deployedForActions([
            "auth-basic-user": "admin", "auth-basic-password": "list-Pa55word",
        ])
        let expected = "Basic " + Data("admin:list-Pa55word".utf8).base64EncodedString()
        scenario.registry.state.withLock { $0.requiredAuthorization = expected }
        scenario.registry.add("team/app", "1.0")
        scenario.registry.add("other", "1.0")
        let outcome = await scenario.action("list", ["repository": "team/app"])
        #expect(outcome.failure == nil)
        #expect(outcome.results["output"]?.hasPrefix("team/app:1.0 ") == true)
        #expect(!scenario.registry.requests.contains { $0.request.target.hasPrefix("/v2/_catalog") })
        // Every API request of the action carries the credentials (the status probe's `GET /v2/` asks without).
        #expect(
            scenario.registry.requests.filter { $0.request.target != "/v2/" }.allSatisfy {
                $0.authorization == expected
            }
        )
        let printed = scenario.everythingPrinted + outcome.logs.joined() + outcome.results.values.joined()
        #expect(!printed.contains("list-Pa55word") && !printed.contains(expected))

        scenario.registry.state.withLock { $0.requiredAuthorization = "Basic other" }
        let refused = await scenario.action("list")
        #expect(
            refused.failure
                == "Could not list the registry: the registry answered /v2/_catalog?n=100 with status 401: unauthorized."
        )
    }

    @Test("list fails with one sentence when the registry does not answer")
    func listUnreachable() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.registry.state.withLock { $0.unreachable = true }
        let outcome = await scenario.action("list")
        #expect(
            outcome.failure
                == "Could not list the registry: no answer from the registry at http://127.0.0.1:5000: connection refused."
        )
    }

    @Test("delete needs storage-delete, resolves a tag to its digest and deletes the manifest")
    func delete() async {
        let (scenario, _) = await Scenario.deployedForActions()
        let digest = scenario.registry.add("team/app", "1.0")
        let refused = await scenario.action("delete", ["image": "team/app:1.0"])
        #expect(
            refused.failure
                == "Deleting images needs storage-delete=true; set it with juju config, then run delete again."
        )
        #expect(scenario.registry.requests.filter { $0.request.target != "/v2/" }.isEmpty)

        await scenario.configure(["storage-delete": true])
        let deleted = await scenario.action("delete", ["image": "team/app:1.0"])
        #expect(deleted.failure == nil)
        #expect(deleted.results["digest"] == digest)
        #expect(deleted.results["outcome"] == "success")
        #expect(
            scenario.registry.requests.last?.request == RegistryRequest("DELETE", "/v2/team/app/manifests/\(digest)")
        )
        #expect(scenario.registry.state.withLock { $0.tags["team/app"]?.isEmpty } == true)
        #expect(
            await scenario.action("delete", ["image": "team/app:1.0"]).failure
                == "The registry has no image team/app:1.0."
        )
        #expect(
            await scenario.action("delete", ["image": "team/app"]).failure
                == "The image parameter 'team/app' needs a :tag or an @digest."
        )
        #expect(
            await scenario.action("delete", ["image": "elsewhere.example.com/team/app:1.0"]).failure
                == "The image parameter 'elsewhere.example.com/team/app:1.0' names another registry; give repository:tag."
        )
        let byDigest = scenario.registry.add("team/app", "2.0")
        #expect(
            await scenario.action("delete", ["image": .string("team/app@\(byDigest)")]).results["digest"] == byDigest
        )
    }

    @Test("garbage-collect: the registry is stopped during the collection and started again; blobs and bytes freed")
    func garbageCollect() async throws {
        let (scenario, fake) = await Scenario.deployedForActions()
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        fake.state.withLock {
            $0.gcOutput =
                "busybox\nblob eligible for deletion: sha256:\(String(repeating: "1", count: 64))\n\n3 blobs marked, 1 blobs and 0 manifests eligible for deletion\n"
        }
        let usage = Mutex(["5000", "1000"])
        scenario.docker.runner.respond { command in
            guard command.executable == "du" else { return nil }
            let bytes = usage.withLock { $0.isEmpty ? "1000" : $0.removeFirst() }
            return CommandResult(standardOutput: "\(bytes)\t/srv/registry\n")
        }
        scenario.resetRecording()
        let outcome = await scenario.action("garbage-collect", ["untagged": true])
        #expect(outcome.failure == nil)
        #expect(outcome.results["blobs-freed"] == "1")
        #expect(outcome.results["bytes-freed"] == "4000")
        #expect(outcome.results["dry-run"] == "false")
        let lines = scenario.dockerLines.filter { !$0.hasPrefix("container inspect") }
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("container stop") == true)
        #expect(
            lines[1]
                == "run --rm --network host --volumes-from \(id) localhost/registry:test garbage-collect --delete-untagged /etc/docker/registry/config.yml"
        )
        #expect(lines.last == "container start \(id)")
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }

    @Test("garbage-collect dry-run leaves the registry serving; a failed collection still restarts it")
    func garbageCollectDryRunAndFailure() async throws {
        let (scenario, fake) = await Scenario.deployedForActions()
        scenario.docker.runner.on("du", ["-cb"], result: CommandResult(standardOutput: "512\tx\n512\ttotal\n"))
        fake.state.withLock {
            $0.gcOutput =
                "blob eligible for deletion: sha256:\(String(repeating: "2", count: 64))\n1 blobs marked, 1 blobs and 0 manifests eligible for deletion\n"
        }
        scenario.resetRecording()
        let dry = await scenario.action("garbage-collect", ["dry-run": true])
        #expect(dry.failure == nil)
        #expect(dry.results["dry-run"] == "true")
        #expect(dry.results["bytes-freed"] == "512")
        #expect(!scenario.dockerLines.contains { $0.hasPrefix("container stop") })
        #expect(
            scenario.dockerLines.contains { $0.contains("garbage-collect --dry-run /etc/docker/registry/config.yml") }
        )

        fake.state.withLock { $0.gcExitCode = 1 }
        let failed = await scenario.action("garbage-collect")
        #expect(failed.failure == "The garbage collection failed and registry was started again.")
        #expect(scenario.docker.container(named: "registry")?.running == true)

        // A store nothing was pushed to: the collector fails on the missing repositories directory; nothing to free.
        fake.state.withLock {
            $0.gcExitCode = 1
            $0.gcOutput =
                "failed to garbage collect: failed to mark: filesystem: Path not found: /docker/registry/v2/repositories\n"
        }
        let empty = await scenario.action("garbage-collect")
        #expect(empty.failure == nil)
        #expect(empty.results["blobs-freed"] == "0")
        #expect(empty.logs.contains { $0.contains("Nothing was ever pushed to this registry") })

        _ = await scenario.action("stop")
        #expect(
            await scenario.action("garbage-collect").failure
                == "The registry container does not exist; run the start action first."
        )
    }
}
