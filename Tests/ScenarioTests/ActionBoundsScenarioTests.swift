import JujuKit
import RegistryCharm
import Testing

/// Failure sentences quote a bounded prefix of what an operator passed, and `rmi` keeps the registry's own image.
@Suite("Action failures stay short; rmi keeps the registry's image")
struct ActionBoundsScenarioTests {
    static let huge = String(repeating: "a", count: 10_240)

    @Test(
        "a 10 kB parameter is quoted as a bounded prefix with its length",
        arguments: [
            ("rmi", ["image": huge + ":1"]), ("push", ["image": "-" + huge]), ("delete", ["image": huge + "/x"]),
            ("list", ["repository": huge + ":tag"]), ("start", ["name": "bad name " + huge]),
            ("rmi", ["image": "busybox", "options": "--filter " + huge]),
        ]
    )
    func boundedQuote(action name: String, parameters: [String: String]) async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        let outcome = await scenario.action(name, parameters.mapValues(JSONValue.string))
        let failure = try #require(outcome.failure)
        #expect(failure.count < 400, "\(failure.count) characters: \(failure.prefix(200))")
        #expect(!failure.contains(String(repeating: "a", count: 100)))
        #expect(failure.hasSuffix(".") || failure.hasSuffix(")."))
    }

    @Test("rmi refuses the image the registry runs from, also with --force; other images go")
    func rmiKeepsTheRegistryImage() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        let refused = await scenario.action("rmi", ["image": .string(Scenario.image), "options": "--force"])
        #expect(
            refused.failure
                == "The image '\(Scenario.image)' is the one the registry runs from (registry-image); it is kept so"
                + " that the registry can start again. Change registry-image first to remove it."
        )
        #expect(!scenario.actionDockerLines.contains { $0.hasPrefix("rmi") })
        let other = await scenario.action("rmi", ["image": "localhost/busybox:test"])
        #expect(other.failure == nil)
        #expect(scenario.actionDockerLines.contains("rmi localhost/busybox:test"))
    }
}
