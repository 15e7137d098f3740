import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// The `mirror` action's secret: read with `secret-get --peek`, refused with the grant command when the application
/// may not read it, and never printed.
@Suite("mirror action's secret")
struct MirrorActionScenarioTests {
    @Test("a secret the application was not granted: one sentence with the juju grant-secret command, nothing copied")
    func notGranted() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.tools.update {
            $0.secrets["secret:d4k1ee9mp25c77ctrlq0"] = FakeHookTools.Secret(
                ["username": "robot", "password": "hidden-pa55"],
                granted: false
            )
        }
        let outcome = await scenario.action(
            "mirror",
            ["images": "quay.io/team/app:1", "secret": "secret:d4k1ee9mp25c77ctrlq0"]
        )
        #expect(
            outcome.failure
                == "The secret secret:d4k1ee9mp25c77ctrlq0 cannot be read: run juju grant-secret"
                + " secret:d4k1ee9mp25c77ctrlq0 docker-registry."
        )
        #expect(outcome.results["copied"] == nil)
    }

    @Test("a secret without a password is refused by name; the values it has are never printed")
    func wrongShape() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.tools.update {
            $0.secrets["secret:d4k1ee9mp25c77ctrlq1"] = FakeHookTools.Secret(["username": "robot", "token": "t0k3n"])
        }
        let outcome = await scenario.action(
            "mirror",
            ["images": "quay.io/team/app:1", "secret": "secret:d4k1ee9mp25c77ctrlq1"]
        )
        #expect(outcome.failure == "The secret secret:d4k1ee9mp25c77ctrlq1 must hold the keys username and password.")
        #expect(!(scenario.everythingPrinted + outcome.logs.joined()).contains("t0k3n"))
    }

    @Test("a secret that does not exist says so with the same command")
    func missing() async {
        let (scenario, _) = await Scenario.deployedForActions()
        let outcome = await scenario.action(
            "mirror",
            ["images": "quay.io/team/app:1", "secret": "secret:d4k1ee9mp25c77ctrlq2"]
        )
        #expect(outcome.failure?.contains("juju grant-secret secret:d4k1ee9mp25c77ctrlq2 docker-registry") == true)
    }
}
