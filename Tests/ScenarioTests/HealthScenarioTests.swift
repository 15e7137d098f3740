import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// The status tells the truth: a registry docker keeps restarting is not Ready, and a container removed behind the
/// charm's back comes back.
@Suite("Registry health")
struct HealthScenarioTests {
    static let portClash =
        #"{"level":"fatal","msg":"listen tcp :5000: bind: address already in use","time":"2026-11-26T10:00:00Z"}"#

    @Test("a registry that cannot bind its port blocks with the reason, not Ready")
    func portInUse() async {
        let scenario = Scenario()
        scenario.docker.crashOnStart(logs: Self.portClash)
        await scenario.deploy()
        #expect(
            scenario.status
                == .blocked(
                    "registry keeps restarting: port 5000 is in use by another process. "
                        + "Free the port or set another registry-port."
                )
        )
        #expect(!scenario.tools.model.statusHistory.contains { $0.state == .active })
    }

    @Test("a crash loop that starts later is found by update-status, with the registry's own error line")
    func crashLoopLater() async {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.status?.state == .active)
        scenario.docker.crash(
            "registry",
            logs: #"{"level":"fatal","msg":"swift: authentication failed: 401 Unauthorized"}"# + "\n"
        )
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("swift: authentication failed: 401 Unauthorized") == true)
    }

    @Test("fixing the cause returns to Ready: a new configuration re-creates a registry that serves")
    func recovers() async {
        let scenario = Scenario()
        scenario.docker.crashOnStart(logs: Self.portClash)
        await scenario.deploy()
        scenario.docker.crashOnStart(logs: nil)
        await scenario.configure(["registry-port": 5055])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5055 (http)."))
    }

    @Test("a container removed behind the charm's back is created again by update-status")
    func removedContainerRevived() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = try #require(scenario.docker.containers.first?.id)
        _ = try await scenario.docker.cli.forceRemove(id)
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.docker.container(named: "registry")?.running == true)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("a removed container docker refuses to create again: blocked with docker's error, not 'run start'")
    func removedContainerDockerRefuses() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = try #require(scenario.docker.containers.first?.id)
        _ = try await scenario.docker.cli.forceRemove(id)
        let refusal = "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."
        scenario.docker.fail("run", stderr: refusal)
        scenario.docker.fail("image", stderr: refusal)
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .blocked)
        #expect(
            scenario.status?.message.hasPrefix("Could not start registry: ") == true,
            "\(String(describing: scenario.status))"
        )
        #expect(scenario.status?.message.contains(refusal) == true)
        scenario.docker.stopFailing("run")
        scenario.docker.stopFailing("image")
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("the reason comes from the registry's last error line; a port clash is said plainly")
    func reasons() {
        #expect(RegistryHealth.reason(fromLogs: Self.portClash, port: 5000) == "port 5000 is in use by another process")
        let plain = "configuration error: error parsing /etc/docker/registry/config.yml: yaml: line 3"
        #expect(RegistryHealth.reason(fromLogs: "some info\n\(plain)\n", port: 5000) == plain)
        let info = #"{"level":"info","msg":"listening on [::]:5000"}"#
        #expect(RegistryHealth.reason(fromLogs: info, port: 5000) == nil)
    }
}

/// The stopped status asks for the start action only when the start action can help.
@Suite("Status of a registry that docker will not start")
struct StartRefusedScenarioTests {
    @Test(
        "a stopped registry docker refuses to start again: 'Could not start' with docker's reason, not 'Run the start action'"
    )
    func restartRefused() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        try await scenario.docker.cli.stop("registry", timeoutSeconds: 1)
        scenario.docker.fail("container start", stderr: "Error response from daemon: no space left on device")
        await scenario.run(.unit(.updateStatus))
        let status = try #require(scenario.status)
        #expect(status.state == .blocked)
        #expect(status.message.hasPrefix("Could not start registry: "), "\(status.message)")
        #expect(status.message.contains("no space left on device"))
        #expect(!status.message.contains("Run the start action"))

        scenario.docker.stopFailing("container start")
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }
}
