import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Synchronization
import Testing

@Suite("images, rmi, clean-containers, clean-images, debug and upgrade-docker actions")
struct LocalActionScenarioTests {
    @Test("images: options split by shell words and passed as argv; output result")
    func images() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        let outcome = await scenario.action(
            "images",
            ["options": "--all --format '{{.Repository}} {{.Tag}}' -aq", "repository": "localhost/busybox"]
        )
        #expect(outcome.failure == nil)
        #expect(outcome.results["output"]?.contains("localhost/busybox") == true)
        let command = scenario.docker.runner.commands.last {
            $0.executable == "docker" && $0.arguments.first == "images"
        }
        #expect(
            command?.arguments == [
                "images", "--all", "--format", "{{.Repository}} {{.Tag}}", "-aq", "localhost/busybox",
            ]
        )
    }

    @Test("images: a docker failure quotes the command and docker's output in one sentence")
    func imagesFails() async {
        let (scenario, fake) = await Scenario.deployedForActions()
        fake.fail(
            "images",
            stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\nIs it running?"
        )
        let outcome = await scenario.action("images", ["options": "--all"])
        #expect(
            outcome.failure
                == "The command \"docker images --all\" failed with: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is it running?"
        )
        #expect(isOneSentence(outcome.failure))
    }

    @Test("images: a word that is not an option of docker images is refused before docker runs")
    func imagesRefusesOtherWords() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        let outcome = await scenario.action("images", ["options": "--all busybox"])
        #expect(
            outcome.failure
                == "The options parameter may only hold options of docker images (--all, --digests, --filter, --format, --no-trunc, --quiet, -a, -f, -q), and 'busybox' is not one."
        )
        #expect(scenario.actionDockerLines.isEmpty)
    }

    @Test("rmi: no image is the reactive charm's sentence; images and options as argv; a failure quotes the command")
    func rmi() async {
        let (scenario, fake) = await Scenario.deployedForActions()
        #expect(await scenario.action("rmi", ["image": " "]).failure == "No image name(s) specified.")
        scenario.resetRecording()
        let outcome = await scenario.action(
            "rmi",
            ["image": "localhost/busybox:test 0123456789ab", "options": "--force"]
        )
        #expect(outcome.failure == nil)
        #expect(scenario.actionDockerLines == ["rmi --force localhost/busybox:test 0123456789ab"])
        #expect(outcome.results["output"]?.hasPrefix("Untagged:") == true)
        fake.fail("rmi", stderr: "Error response from daemon: conflict: unable to remove repository reference")
        let failed = await scenario.action("rmi", ["image": "busybox"])
        #expect(
            failed.failure
                == "The command \"docker rmi busybox\" failed with: Error response from daemon: conflict: unable to remove repository reference."
        )
    }

    @Test("clean-containers removes stopped containers but never the registry's")
    func cleanContainers() async {
        let (scenario, _) = await Scenario.deployedForActions()
        _ = await scenario.action("stop", ["remove": false])
        scenario.docker.addContainer(name: "old-job", running: false)
        scenario.docker.addContainer(name: "web", running: true)
        scenario.docker.addContainer(
            name: "registry.charm-previous",
            running: false,
            labels: [ContainerLabels.managedBy: ContainerLabels.managedByValue]
        )
        let outcome = await scenario.action("clean-containers")
        #expect(outcome.failure == nil)
        #expect(outcome.results["removed"] == "1")
        #expect(outcome.results["output"] == "old-job")
        #expect(scenario.docker.containers.map(\.name).sorted() == ["registry", "registry.charm-previous", "web"])
    }

    @Test("clean-images prunes dangling images; untagged=false refuses while the registry container is absent")
    func cleanImages() async {
        let (scenario, _) = await Scenario.deployedForActions()
        scenario.resetRecording()
        #expect(await scenario.action("clean-images").results["output"] == "Total reclaimed space: 0B\n")
        #expect(scenario.actionDockerLines == ["image prune --force"])
        _ = await scenario.action("stop")
        let refused = await scenario.action("clean-images", ["untagged": false])
        #expect(
            refused.failure
                == "The registry container does not exist, so its image would be removed too; run the start action first, or clean-images with untagged=true."
        )
        _ = await scenario.action("start")
        scenario.resetRecording()
        #expect(await scenario.action("clean-images", ["untagged": false]).failure == nil)
        #expect(scenario.actionDockerLines.last == "image prune --force --all")
    }

    @Test("debug: an archive of docker state, logs and config with every secret redacted; its path is the result")
    func debugArchive() async throws {
        let password = "debug-Pa55word"
        let (scenario, _) = await Scenario.deployedForActions([
            "auth-basic-user": "admin", "auth-basic-password": .string(password),
            "registry-http-proxy": "http://proxyuser:proxy-secret-1@proxy.example.com:3128",
        ])
        let secret = try #require(scenario.tools.model.relations["peer:0"]?.localAppData["http-secret"])
        // Snapshot the staging directory when tar packs it (the action removes it afterwards).
        let staged = Mutex<[String: String]>([:])
        let files = scenario.files
        scenario.docker.runner.respond { command in
            guard command.executable == "tar", command.arguments.count > 3 else { return nil }
            let directory = command.arguments[3] + "/"
            let snapshot = files.files.filter { $0.key.hasPrefix(directory) }.mapValues {
                String(decoding: $0.content, as: UTF8.self)
            }
            staged.withLock { $0 = snapshot }
            return CommandResult()
        }
        let outcome = await scenario.action("debug")
        #expect(outcome.failure == nil)
        let path = try #require(outcome.results["path"])
        #expect(path.hasPrefix("/tmp/docker-registry-debug-") && path.hasSuffix(".tar.gz"))
        #expect(scenario.files.mode(of: path) == .ownerOnly)
        let contents = staged.withLock { $0 }
        let names = Set(contents.keys.map { $0.split(separator: "/").last.map(String.init) ?? "" })
        #expect(
            names.isSuperset(of: [
                "docker-version.txt", "docker-info.txt", "docker-containers.txt", "docker-images.txt", "registry.log",
                "config.yml", "charm-flags.txt",
            ])
        )
        let config = try #require(contents.first { $0.key.hasSuffix("/config.yml") }?.value)
        #expect(config.contains("\"secret\": \"REDACTED\""))
        for (name, text) in contents {
            #expect(!text.contains(password) && !text.contains(secret) && !text.contains("proxy-secret-1"), "\(name)")
        }
        #expect(contents.keys.allSatisfy { !scenario.files.exists($0) }, "the staging directory must be removed")
    }

    @Test("upgrade-docker with package_status install still releases and restores the engine's hold")
    func upgradeDockerHoldsWithoutPackageStatusHold() async throws {
        let (scenario, _) = await Scenario.deployedForActions([:])
        scenario.docker.runner.on("dpkg", ["--print-architecture"], result: CommandResult(standardOutput: "amd64\n"))
        scenario.docker.runner.on("lspci", result: CommandResult())
        scenario.docker.runner.on("apt-get", result: CommandResult())
        scenario.docker.runner.on("apt-mark", result: CommandResult())
        scenario.resetRecording()
        let outcome = await scenario.action("upgrade-docker")
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        let marks = scenario.docker.runner.commands.filter { $0.executable == "apt-mark" }.map(\.description)
        #expect(marks == ["apt-mark unhold docker.io", "apt-mark hold docker.io"])
    }

    @Test("upgrade-docker: unhold, update, install --only-upgrade, hold again, then the registry runs")
    func upgradeDocker() async throws {
        let (scenario, _) = await Scenario.deployedForActions(["package_status": "hold"])
        scenario.docker.runner.on("dpkg", ["--print-architecture"], result: CommandResult(standardOutput: "amd64\n"))
        scenario.docker.runner.on("lspci", result: CommandResult())
        scenario.docker.runner.on("apt-get", result: CommandResult())
        scenario.docker.runner.on("apt-mark", result: CommandResult())
        scenario.resetRecording()
        let outcome = await scenario.action("upgrade-docker")
        #expect(outcome.failure == nil, "\(outcome.failure ?? "")")
        #expect(outcome.results["packages"] == "docker.io")
        #expect(outcome.results["version"] == "20.10.24+dfsg1")
        let lines = scenario.docker.runner.commands.filter { ["apt-get", "apt-mark"].contains($0.executable) }.map(
            \.description
        )
        #expect(lines.first == "apt-mark unhold docker.io")
        #expect(lines.contains { $0.hasPrefix("apt-get install -y -q --only-upgrade") && $0.hasSuffix(" docker.io") })
        #expect(lines.last == "apt-mark hold docker.io")
        #expect(scenario.docker.container(named: "registry")?.running == true)
    }
}
