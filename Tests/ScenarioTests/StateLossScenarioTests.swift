import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// A unit state that is deleted or corrupt between two hooks is never silently reset: the next hook rebuilds what the
/// machine shows (ports, the container, the trusted netloc), logs what was lost and carries on.
@Suite("Unit state lost between hooks")
struct StateLossScenarioTests {
    static func logs(_ scenario: Scenario) -> [String] { scenario.tools.model.logs.map(\.message) }

    static func insecureRegistries(_ scenario: Scenario) throws -> [String] {
        let text = try #require(scenario.text(scenario.paths.daemonJSON))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return object["insecure-registries"] as? [String] ?? []
    }

    @Test(
        "State file deleted between two hooks → the next hook restores the ports and trust it had, without re-creating the container"
    )
    func deletedState() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let container = try #require(scenario.docker.container(named: "registry"))
        scenario.tools.update { $0.state = [:] }
        scenario.resetRecording()

        let outcome = await scenario.run(.unit(.updateStatus))
        #expect(outcome.exitCode == 0)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.docker.container(named: "registry")?.id == container.id)
        #expect(
            !scenario.dockerLines.contains {
                $0.hasPrefix("run -d") || $0.hasPrefix("container rm ") || $0.hasPrefix("container stop ")
            }
        )
        let logs = Self.logs(scenario)
        #expect(logs.contains { $0.contains("the unit state is missing") })
        #expect(
            logs.contains {
                $0.contains(
                    "rebuilt from the machine: opened ports 5000/tcp; container registry; trusted registry 10.0.0.5:5000"
                )
            }
        )
        #expect(logs.contains { $0.contains("lost with the unit state: whether an operator stopped the registry") })
        let state = UnitState(stateGet: scenario.tools.model.state)
        #expect(state.values["registry.opened-ports"] == .array(["5000/tcp"]))
        #expect(state.values["registry.trusted-netloc"] == "10.0.0.5:5000")

        // What was rebuilt is what a later change cleans up: the old port closes, the old netloc is untrusted.
        await scenario.configure(["registry-port": 5050])
        #expect(scenario.tools.model.openedPorts == [PortRange(5050)])
        #expect(try Self.insecureRegistries(scenario) == ["10.0.0.5:5050"])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5050 (http)."))
    }

    @Test("a corrupt unit state is logged as unreadable and rebuilt the same way, never silently reset")
    func corruptState() async throws {
        let scenario = Scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "s3cret"])
        await scenario.deploy()
        let container = try #require(scenario.docker.container(named: "registry"))
        scenario.tools.update { $0.state = [UnitState.stateKey: "{\"flags\": [\"docker.ready\""] }
        scenario.resetRecording()

        let outcome = await scenario.run(.unit(.configChanged))
        #expect(outcome.exitCode == 0)
        #expect(Self.logs(scenario).contains { $0.contains("the unit state is unreadable") })
        #expect(
            scenario.docker.container(named: "registry")?.id == container.id,
            "the htpasswd was reused, not rehashed"
        )
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
        #expect(try Self.insecureRegistries(scenario) == ["10.0.0.5:5000"])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        let state = UnitState(stateGet: scenario.tools.model.state)
        #expect(state.flags.contains(RegistryFlagNames.configured))
        #expect(!Self.logs(scenario).joined().contains("s3cret"))
    }

    @Test("the first install is not a loss: nothing is rebuilt or logged")
    func installIsNotALoss() async {
        let scenario = Scenario()
        await scenario.run(.unit(.install))
        #expect(!Self.logs(scenario).contains { $0.contains("unit state") })
        #expect(!scenario.tools.calls.contains("opened-ports"))
    }
}

/// Flag names as the charm persists them (the charm's flag constants are internal to its module).
enum RegistryFlagNames {
    static let configured = Flag(rawValue: "charm.docker-registry.configured")
}
