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

    @Test("garbage-collect: a read-only twin takes the port over while the registry is stopped and collected")
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
        #expect(outcome.results["read-only-seconds"] != nil)
        let lines = scenario.actionDockerLines
        #expect(lines.count == 6, "\(lines)")
        // 1. the twin, read-only, on the first free port after 5000 that is not the debug port (5001), with the registry's mounts and environment;
        let twinConfig = "/etc/docker/registry/config-read-only.yml"
        let twinLine: String = [
            "run -d --name registry.charm-read-only --network host --restart no",
            "--label io.juju.docker-registry.managed-by=docker-registry-charm --volumes-from \(id)",
            "-v \(twinConfig):\(twinConfig):ro -e REGISTRY_HTTP_ADDR=:5002 localhost/registry:test serve \(twinConfig)",
        ].joined(separator: " ")
        #expect(lines.first == twinLine)
        // 2. the registry stops once new connections go to the twin; 3. the collector; 4. the registry again;
        // 5., 6. the twin drains and goes.
        #expect(lines[1] == "container stop --time 30 \(id)")
        #expect(
            lines[2]
                == "run --rm --name registry.charm-collector --network host --volumes-from \(id) localhost/registry:test garbage-collect --delete-untagged /etc/docker/registry/config.yml"
        )
        #expect(lines[3] == "container start \(id)")
        #expect(lines[4].hasPrefix("container stop --time 30 ") && lines[5].hasPrefix("container rm --force"))
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.docker.container(named: "registry.charm-read-only") == nil)
        // The redirect was added for both families and both chains, and is gone.
        let inserted = scenario.docker.runner.lines(of: "iptables").filter { $0.contains(" -I ") }
        let added = inserted.filter { $0.contains("REDIRECT") }
        #expect(added.count == 2)
        // Ending it: RETURN rules above first (new connections back to the registry), both removed at the end.
        #expect(inserted.filter { $0.hasSuffix("-j RETURN") }.count == 2)
        #expect(
            added.allSatisfy {
                $0.contains("--syn --dport 5000 -m addrtype --dst-type LOCAL")
                    && $0.hasSuffix("-j REDIRECT --to-ports 5002")
            }
        )
        #expect(scenario.docker.runner.lines(of: "ip6tables").filter { $0.contains(" -I ") }.count == 4)
        #expect(scenario.natRules.current.isEmpty)
        #expect(!scenario.files.exists(scenario.paths.readOnlyWindowFile))
        // The twin's configuration: read-only, no debug listener, otherwise the registry's.
        let twin = String(
            decoding: try #require(try scenario.files.read(scenario.paths.readOnlyConfigFile)),
            as: UTF8.self
        )
        #expect(twin.contains("\"maintenance\"") && twin.contains("\"readonly\""))
        #expect(!twin.contains("\"debug\""))
    }

    @Test("a window left open by a killed hook is closed by the next hook, update-status included")
    func windowLeftOpenIsClosed() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        _ = await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .active)
        // What a hook killed during the collection leaves: the registry stopped, the twin serving, the record.
        let id = try #require(scenario.docker.container(named: "registry")?.id)
        scenario.docker.addContainer(name: "registry.charm-read-only", image: Scenario.image, running: true)
        _ = try await scenario.docker.runner.run(Command("docker", ["container", "stop", "--time", "30", id]))
        let record =
            #"{"collector":"registry.charm-collector","container":"registry","port":5000,"standby":"registry.charm-read-only","standbyPort":5001}"#
        try scenario.files.write(scenario.paths.readOnlyWindowFile, Array(record.utf8), mode: .ownerOnly)
        scenario.resetRecording()
        _ = await scenario.run(.unit(.updateStatus))
        #expect(scenario.dockerLines.contains("container start \(id)"))
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.docker.container(named: "registry.charm-read-only") == nil)
        #expect(!scenario.files.exists(scenario.paths.readOnlyWindowFile))
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
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
        #expect(failed.failure == "The garbage collection failed; the registry serves as before.")
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.docker.container(named: "registry.charm-read-only") == nil)
        #expect(scenario.natRules.current.isEmpty)

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
