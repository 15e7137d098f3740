import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("push action")
struct PushActionScenarioTests {
    @Test("before the registry is configured every action but debug fails with the reactive charm's sentence")
    func notReady() async {
        let scenario = Scenario()
        _ = ActionDockerFake(scenario)
        // Juju runs actions only on an installed unit (its state exists; without it the charm would rebuild it).
        await scenario.run(.unit(.install))
        scenario.resetRecording()
        for name in ["push", "images", "rmi", "start", "stop", "list", "delete", "garbage-collect", "clean-images"] {
            let outcome = await scenario.action(name, ["image": "busybox"])
            #expect(outcome.failure == "Docker Registry charm is not yet ready.", "\(name)")
            #expect(outcome.exitCode == 0)
        }
        #expect(scenario.dockerLines.isEmpty)
    }

    @Test("pull=false of a local image: tag <address>:<port>/<path>:<tag>, push, raw/outcome/digest results")
    func pushWithoutPull() async throws {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        let outcome = await scenario.action("push", ["image": "localhost/busybox:test", "pull": false])
        #expect(outcome.failure == nil)
        let tag = "10.0.0.5:5000/busybox:test"
        #expect(outcome.results["raw"] == "pushed \(tag)")
        #expect(outcome.results["outcome"] == "success")
        #expect(outcome.results["digest"] == ActionDockerFake.digest(of: tag))
        #expect(scenario.actionDockerLines == ["image tag localhost/busybox:test \(tag)", "image push \(tag)"])
        #expect(outcome.logs.contains("Pushing \(tag)."))
    }

    @Test("an empty or missing image is the reactive charm's sentence, before any docker call")
    func missingImage() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        #expect(await scenario.action("push").failure == "Missing required image parameter.")
        #expect(await scenario.action("push", ["image": "  "]).failure == "Missing required image parameter.")
        #expect(scenario.actionDockerLines.isEmpty)
    }

    @Test("pull=true pulls first; a pull failure is the reactive charm's sentence")
    func pullFirst() async {
        let (scenario, fake) = await Scenario.deployedForActions()
        fake.state.withLock { _ = $0.pullable.insert("ubuntu:22.04") }
        scenario.resetRecording()
        let pushed = await scenario.action("push", ["image": "ubuntu:22.04"])
        #expect(pushed.results["raw"] == "pushed 10.0.0.5:5000/ubuntu:22.04")
        #expect(scenario.dockerLines.first == "image pull ubuntu:22.04")

        let missing = await scenario.action("push", ["image": "nginx", "pull": true])
        #expect(missing.failure == "Could not pull image: nginx.")
        #expect(missing.logs.contains { $0.hasPrefix("docker: ") && $0.contains("pull access denied") })
    }

    @Test("a registry host already in the image is replaced, not doubled; tag= is used as given")
    func hostReplaced() async {
        let (scenario, fake) = await Scenario.deployedForActions()
        fake.state.withLock { _ = $0.images.insert("registry.example.com:5000/team/app:1.0") }
        let outcome = await scenario.action("push", ["image": "registry.example.com:5000/team/app:1.0", "pull": false])
        #expect(outcome.results["raw"] == "pushed 10.0.0.5:5000/team/app:1.0")
        let untagged = await scenario.action("push", ["image": "localhost/busybox", "pull": false])
        #expect(untagged.failure == "Could not tag localhost/busybox image with: 10.0.0.5:5000/busybox:latest.")
        let explicit = await scenario.action(
            "push",
            ["image": "localhost/busybox:test", "pull": false, "tag": "10.0.0.5:5000/mirror/busybox:v1"]
        )
        #expect(explicit.results["raw"] == "pushed 10.0.0.5:5000/mirror/busybox:v1")
    }

    @Test("the default tag uses http-host's netloc")
    func httpHostNetloc() async {
        let (scenario, _) = await Scenario.deployedForActions(["http-host": "https://registry.example.com:5443"])
        let outcome = await scenario.action("push", ["image": "localhost/busybox:test", "pull": false])
        #expect(outcome.results["raw"] == "pushed registry.example.com:5443/busybox:test")
    }

    @Test("a failed push is the reactive charm's sentence with docker's reason as a progress line")
    func pushFails() async {
        let (scenario, fake) = await Scenario.deployedForActions()
        fake.fail("image push", stderr: "received unexpected HTTP status: 500 Internal Server Error")
        let outcome = await scenario.action("push", ["image": "localhost/busybox:test", "pull": false])
        #expect(outcome.failure == "Could not push image: 10.0.0.5:5000/busybox:test.")
        #expect(outcome.results["raw"] == nil)
        #expect(outcome.logs.last == "docker: received unexpected HTTP status: 500 Internal Server Error")
    }

    @Test("basic auth: login with --password-stdin in a temporary DOCKER_CONFIG, push, logout, directory removed")
    func loginForBasicAuth() async throws {
        let password = "s3cret-Pa55word"
        let (scenario, fake) = await Scenario.deployedForActions([
            "auth-basic-user": "admin", "auth-basic-password": .string(password),
        ])
        fake.state.withLock { $0.passwords["10.0.0.5:5000"] = password }
        scenario.resetRecording()
        let outcome = await scenario.action("push", ["image": "localhost/busybox:test", "pull": false])
        #expect(outcome.failure == nil)
        #expect(outcome.results["raw"] == "pushed 10.0.0.5:5000/busybox:test")
        let commands = scenario.docker.runner.commands.filter { $0.executable == "docker" }
        let login = try #require(commands.first { $0.arguments.first == "login" })
        #expect(login.arguments == ["login", "--username", "admin", "--password-stdin", "10.0.0.5:5000"])
        #expect(login.input == Array(password.utf8))
        let directory = try #require(login.environment["DOCKER_CONFIG"])
        #expect(directory.hasPrefix("/run/docker-registry-push-"))
        #expect(
            commands.map { $0.arguments.first ?? "" }.filter { $0 != "container" } == [
                "image", "login", "image", "logout",
            ]
        )
        #expect(
            commands.filter { $0.arguments.starts(with: ["image", "push"]) }.allSatisfy {
                $0.environment["DOCKER_CONFIG"] == directory
            }
        )
        #expect(!scenario.files.exists(directory), "the temporary docker configuration must be removed")
        let printed = scenario.everythingPrinted + outcome.logs.joined() + outcome.results.values.joined()
        #expect(!printed.contains(password))
    }

    @Test("a refused login fails with one sentence and still removes the temporary directory")
    func loginRefused() async throws {
        let (scenario, fake) = await Scenario.deployedForActions([
            "auth-basic-user": "admin", "auth-basic-password": "right-password",
        ])
        fake.state.withLock { $0.passwords["10.0.0.5:5000"] = "another-password" }
        scenario.resetRecording()
        let outcome = await scenario.action("push", ["image": "localhost/busybox:test", "pull": false])
        #expect(outcome.failure == "Could not log in to 10.0.0.5:5000 as admin.")
        let login = try #require(scenario.docker.runner.commands.first { $0.arguments.first == "login" })
        #expect(!scenario.files.exists(login.environment["DOCKER_CONFIG"] ?? "/"))
        #expect(!scenario.dockerLines.contains { $0.hasPrefix("image push") })
    }
}
