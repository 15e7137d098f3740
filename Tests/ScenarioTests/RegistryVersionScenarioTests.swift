import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

/// registry:3 and a truthful status: the charm reads which registry the image runs, renders for it, refuses what it
/// cannot run, and says `active` only when `GET /v2/` answers as configured.
@Suite("registry:3 and the served configuration")
struct RegistryVersionScenarioTests {
    static let v3Image = "localhost/registry:3-layout"
    static let v3Line = "registry github.com/distribution/distribution/v3 3.1.1"

    /// A scenario whose machine also has an image laid out like registry:3.
    static func scenario(config: [String: JSONValue] = [:]) -> Scenario {
        let scenario = Scenario(config: config)
        scenario.docker.addImage(v3Image)
        scenario.docker.setVersion(v3Image, v3Line)
        return scenario
    }

    @Test("a registry answering 200 where basic auth is configured is never reported active")
    func openRegistryWhereAuthIsConfigured() async throws {
        let scenario = Self.scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "pw-auth-1"])
        // As registry:3 did with the config at the v2 path: the image's own config, plain http, no auth.
        scenario.registry.state.withLock { $0.servesImageDefault = true }
        await scenario.deploy()
        let blocked = try #require(scenario.status)
        #expect(blocked.state == .blocked)
        #expect(
            blocked.message.contains(
                "registry does not serve as configured: it answers GET /v2/ on port 5000 without asking for"
                    + " credentials where authentication is configured"
            )
        )
        #expect(!scenario.tools.model.statusHistory.contains { $0.state == .active })

        // Every update-status probes again while it answers otherwise, and the status stays blocked.
        scenario.resetRecording()
        scenario.registry.state.withLock { $0.requests = [] }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.registry.requests.filter { $0.request.target == "/v2/" }.count == 1)

        // Once it answers as configured, the next update-status says Ready.
        scenario.registry.state.withLock { $0.servesImageDefault = false }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.tools.model.logs.contains { $0.message.contains("serves as configured again") })
    }

    @Test("plain http where TLS is configured is blocked, naming both")
    func plainHTTPWhereTLSIsConfigured() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Self.scenario(config: certificates.blobs())
        scenario.registry.state.withLock { $0.servesImageDefault = true }
        await scenario.deploy()
        #expect(scenario.status?.state == .blocked)
        #expect(
            scenario.status?.message.contains("it answers plain http on port 5000 where https is configured") == true
        )
        let probe = try #require(scenario.registry.requests.first { $0.request.target == "/v2/" })
        #expect(probe.endpoint == "https://127.0.0.1:5000")
    }

    @Test("TLS with exactly the served certificate and a 401 with auth: Ready (https)")
    func servedAsConfigured() async throws {
        let certificates = try TestCertificates.make()
        var config = certificates.blobs()
        config["auth-basic-user"] = "admin"
        config["auth-basic-password"] = "pw-auth-2"
        let scenario = Self.scenario(config: config)
        await scenario.deploy()
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        #expect(scenario.tools.model.statusHistory.allSatisfy { $0.state != .blocked })
    }

    @Test("registry:3: its version is the workload version, tracing is off, and the container serves the charm's file")
    func registryThree() async throws {
        let scenario = Self.scenario()
        await scenario.deploy()
        #expect(scenario.tools.model.applicationVersion == "2.8.3")
        #expect(scenario.files.files[scenario.paths.environmentFile] == nil)

        await scenario.configure(["registry-image": .string(Self.v3Image)])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.tools.model.applicationVersion == "3.1.1")
        let environment = try #require(scenario.files.files[scenario.paths.environmentFile])
        #expect(String(decoding: environment.content, as: UTF8.self) == "OTEL_TRACES_EXPORTER=none\n")
        #expect(environment.mode == .ownerOnly)
        let container = try #require(scenario.docker.container(named: "registry"))
        #expect(container.image == Self.v3Image)
        #expect(container.arguments.suffix(3) == [Self.v3Image, "serve", "/etc/docker/registry/config.yml"])
        #expect(container.arguments.contains("--env-file"))

        // The version is read once per image: another hook asks docker nothing about it.
        scenario.resetRecording()
        await scenario.configure(["registry-port": 5050])
        #expect(!scenario.dockerLines.contains { $0.hasSuffix("--version") || $0.hasPrefix("image pull") })
        #expect(scenario.tools.model.calls.filter { $0 == "application-version-set" }.isEmpty)
    }

    @Test("swift storage on registry:3 is refused naming the option and the way out; the last good registry serves")
    func swiftRefusedOnThree() async throws {
        let scenario = Self.scenario()
        await scenario.deploy()
        let before = try #require(scenario.docker.container(named: "registry"))
        let configBefore = scenario.text(scenario.paths.configFile)
        let swift: [String: JSONValue] = [
            "registry-image": .string(Self.v3Image),
            "storage-swift-authurl": "http://127.0.0.1:7480/auth/1.0", "storage-swift-username": "registry:swift",
            "storage-swift-password": "swift-key", "storage-swift-container": "registry",
        ]
        let outcome = await scenario.configure(swift)
        #expect(outcome.exitCode == 0)
        let status = try #require(scenario.status)
        #expect(status.state == .blocked)
        #expect(status.message.hasPrefix("Invalid charm config: storage-swift-authurl — "))
        #expect(status.message.contains("runs distribution 3.1.1, which has no swift storage driver"))
        #expect(status.message.contains("registry:2"))
        #expect(scenario.docker.container(named: "registry")?.id == before.id)
        #expect(scenario.docker.container(named: "registry")?.image == Scenario.image)
        #expect(scenario.text(scenario.paths.configFile) == configBefore)

        // update-status keeps saying why, without asking docker about the image again.
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == status)
        #expect(!scenario.dockerLines.contains { $0.hasSuffix("--version") })

        // The way out: back to filesystem storage on registry:3.
        await scenario.configure([
            "storage-swift-authurl": "", "storage-swift-username": "", "storage-swift-password": "",
            "storage-swift-container": "",
        ])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.docker.container(named: "registry")?.image == Self.v3Image)
    }

    @Test("an image that cannot be pulled: blocked once, logged once, no maintenance flash in update-status")
    func unpullableImageIsQuiet() async throws {
        let scenario = Self.scenario()
        await scenario.deploy()
        let running = try #require(scenario.docker.container(named: "registry"))
        await scenario.configure(["registry-image": "registry.example.com/missing:9"])
        let blocked = try #require(scenario.status)
        #expect(blocked.state == .blocked)
        #expect(
            blocked.message.hasPrefix("Could not start registry: could not pull image 'registry.example.com/missing:9'")
        )
        #expect(scenario.docker.container(named: "registry")?.id == running.id)

        scenario.resetRecording()
        let historyBefore = scenario.tools.model.statusHistory.count
        let logsBefore = scenario.tools.model.logs.count
        for _ in 0..<3 { await scenario.run(.unit(.updateStatus)) }
        #expect(scenario.tools.model.statusHistory.count == historyBefore)
        #expect(scenario.tools.model.logs.count == logsBefore)
        #expect(scenario.dockerLines.filter { $0.hasPrefix("image pull") }.count == 3)
        // Each update-status: state-get and config-get, then one pull; no status-set, no log, no state-set.
        #expect(scenario.tools.model.calls == Array(repeating: ["state-get", "config-get"], count: 3).flatMap { $0 })
        #expect(scenario.status == blocked)

        // A pullable image again: Ready.
        await scenario.configure(["registry-image": .string(Scenario.image)])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("an image that is not a registry is refused with what it printed")
    func notARegistry() async throws {
        let scenario = Self.scenario()
        scenario.docker.addImage("localhost/busybox:test")
        scenario.docker.setVersion("localhost/busybox:test", nil)
        await scenario.deploy()
        await scenario.configure(["registry-image": "localhost/busybox:test"])
        #expect(scenario.status?.state == .blocked)
        #expect(
            scenario.status?.message.contains(
                "could not tell which registry image 'localhost/busybox:test' runs (registry --version)"
            ) == true
        )
        #expect(scenario.docker.container(named: "registry")?.image == Scenario.image)
    }

    @Test("a container that restarted on its own is probed again in update-status")
    func restartedContainerIsProbed() async throws {
        let scenario = Self.scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "pw-auth-3"])
        await scenario.deploy()
        #expect(scenario.status?.state == .active)
        // Idle: no probe.
        scenario.resetRecording()
        scenario.registry.state.withLock { $0.requests = [] }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.registry.requests.isEmpty)
        #expect(scenario.tools.model.calls == ["state-get"])

        // Replaced behind the charm's back by a container of the same spec that serves the image default.
        let old = try #require(scenario.docker.container(named: "registry"))
        _ = try? await scenario.docker.runner.run(Command("docker", ["container", "rm", "--force", old.id]))
        _ = scenario.docker.addContainer(
            name: "registry",
            image: Scenario.image,
            running: true,
            labels: old.labels
        )
        scenario.registry.state.withLock { $0.servesImageDefault = true }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.registry.requests.contains { $0.request.target == "/v2/" })
    }
}
