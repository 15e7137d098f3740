import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("action parameters cannot inject commands")
struct ActionInjectionScenarioTests {
    /// Shell metacharacters, substitutions, a newline, a leading dash and an option smuggled into a value.
    static let payloads = [
        "busybox; rm -rf /", "$(touch /tmp/pwned)", "`id`", "busybox\nrm -rf /", "-rf", "--privileged",
        "busybox --volume /:/host", "busybox|sh", "busybox&&id", "../../etc/passwd",
    ]

    /// Every string parameter of every action, with the other parameters it needs to get that far.
    static let targets: [(action: String, parameter: String, others: [String: JSONValue])] = [
        ("push", "image", ["pull": false]),
        ("push", "tag", ["image": "localhost/busybox:test", "pull": false]),
        ("images", "options", [:]),
        ("images", "repository", [:]),
        ("rmi", "image", [:]),
        ("rmi", "options", ["image": "localhost/busybox:test"]),
        ("start", "name", [:]),
        ("stop", "name", [:]),
        ("list", "repository", [:]),
        ("delete", "image", [:]),
    ]

    @Test("every payload in every string parameter ends in action-fail with one sentence and runs nothing")
    func injections() async throws {
        let (scenario, _) = await Scenario.deployedForActions(["storage-delete": true])
        for target in Self.targets {
            for payload in Self.payloads {
                scenario.resetRecording()
                let requestsBefore = scenario.registry.requests.count
                var parameters = target.others
                parameters[target.parameter] = .string(payload)
                let outcome = await scenario.action(target.action, parameters)
                let label = "\(target.action) \(target.parameter)=\(payload.debugDescription)"
                #expect(isOneSentence(outcome.failure), "\(label): \(outcome.failure ?? "no failure")")
                #expect(outcome.exitCode == 0, "\(label)")
                // The status check at the end of every hook inspects the container; nothing else may run.
                let ran = scenario.dockerLines.filter { !$0.hasPrefix("container inspect ") }
                #expect(ran.isEmpty, "\(label) ran \(ran)")
                #expect(scenario.registry.requests.count == requestsBefore, "\(label) called the registry")
                #expect(outcome.results.isEmpty, "\(label)")
            }
        }
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }

    @Test("an option smuggled as an image in rmi is refused, with a sentence saying so")
    func optionAsImage() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        let outcome = await scenario.action("rmi", ["image": "busybox --force"])
        #expect(outcome.failure == "The image parameter '--force' looks like an option, not an image.")
        #expect(scenario.dockerLines == ["container inspect registry"])
    }

    @Test("a parameter of the wrong type is a sentence, not a crash")
    func wrongType() async {
        let (scenario, _) = await Scenario.deployedForActions()
        #expect(await scenario.action("push", ["image": 5]).failure == "The image parameter must be a string.")
        #expect(
            await scenario.action("push", ["image": "busybox", "pull": "yes"]).failure
                == "The pull parameter must be true or false."
        )
    }
}
