import JujuKit
import JujuKitTesting
import RegistryCharm
import Testing

/// The docker CLI wrapper: argv, reading real inspect output, and error messages.
@Suite("Docker CLI")
struct DockerCLITests {
    let runner = FakeCommandRunner(strict: true)
    var docker: DockerCLI { DockerCLI(runner: runner) }

    func answerInspect(_ output: String) {
        runner.on("docker", ["container", "inspect"], result: CommandResult(standardOutput: output))
    }

    @Test("real inspect output of a running container is read")
    func parsesRunning() async throws {
        answerInspect(DockerInspectSamples.running)
        let info = try #require(try await docker.inspect("sample-registry"))
        #expect(info.id == "1376e3266fc94948c6173d19bfaea3ba6a15b78f3a7ea0d113e439d4f0bb97c3")
        #expect(info.name == "sample-registry")
        #expect(info.image == "localhost/registry:test")
        #expect(info.imageID == "sha256:5755c406eaaef6e80d48e70440d10266686bbc181e8270348a6e49f86322697d")
        #expect(info.isRunning && !info.isRestarting && info.status == "running")
        #expect(info.exitCode == 0 && info.restartCount == 0)
        #expect(info.specDigest == "0123abcd")
        #expect(info.isManagedByCharm)
        #expect(info.startedAt == "2026-11-23T17:21:42.695025039Z")
        #expect(info.finishedAt == nil)
        #expect(runner.lines(of: "docker") == ["docker container inspect sample-registry"])
    }

    @Test("real inspect output of a stopped container is read")
    func parsesStopped() async throws {
        answerInspect(DockerInspectSamples.stopped)
        let info = try #require(try await docker.inspect("sample-registry"))
        #expect(!info.isRunning && info.status == "exited" && info.exitCode == 2)
        #expect(info.finishedAt != nil)
    }

    @Test("the container's environment (proxy credentials) is never part of what the charm keeps")
    func environmentIsNotRead() async throws {
        answerInspect(DockerInspectSamples.running)
        let info = try #require(try await docker.inspect("sample-registry"))
        #expect(!String(describing: info).contains("hunter2"))
    }

    @Test("an entry docker found by id prefix, not by name, is no match (bug F.2 #11)")
    func idPrefixIsNil() async throws {
        answerInspect(DockerInspectSamples.running)
        #expect(try await docker.inspect("1376") == nil)
        #expect(try await docker.inspect("sample") == nil)
    }

    @Test("'No such container' means absent; other failures are errors naming the container and docker's words")
    func inspectFailures() async throws {
        runner.on(
            "docker",
            ["container", "inspect", "registry"],
            result: CommandResult(
                exitCode: 1,
                standardOutput: "[]",
                standardError: "Error: No such container: registry"
            )
        )
        #expect(try await docker.inspect("registry") == nil)
        runner.on(
            "docker",
            ["container", "inspect", "other"],
            result: CommandResult(
                exitCode: 1,
                standardError:
                    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n"
            )
        )
        do {
            _ = try await docker.inspect("other")
            Issue.record("inspect should have failed")
        } catch {
            #expect(
                error.description
                    == "docker inspect of container 'other' failed: Cannot connect to the Docker daemon at "
                    + "unix:///var/run/docker.sock. Is the docker daemon running?"
            )
        }
    }

    @Test("output that is not inspect JSON is an error naming the container")
    func unreadableInspect() async throws {
        answerInspect("not json")
        await #expect(throws: DockerError.self) { try await docker.inspect("registry") }
        do { _ = try await docker.inspect("registry") } catch {
            #expect(error.description.hasPrefix("cannot read docker's description of container 'registry'"))
        }
    }

    @Test("imageExists: present, absent, and a daemon error")
    func imageExists() async throws {
        runner.on(
            "docker",
            ["image", "inspect", "--format", "{{.Id}}", "here:1"],
            result: CommandResult(standardOutput: "sha256:1\n")
        )
        runner.on(
            "docker",
            ["image", "inspect", "--format", "{{.Id}}", "gone:1"],
            result: CommandResult(
                exitCode: 1,
                standardError: "Error response from daemon: no such image: gone:1: No such image: gone:1"
            )
        )
        runner.on(
            "docker",
            ["image", "inspect", "--format", "{{.Id}}", "broken:1"],
            result: CommandResult(exitCode: 1, standardError: "permission denied while trying to connect")
        )
        #expect(try await docker.imageExists("here:1"))
        #expect(try await docker.imageExists("gone:1") == false)
        await #expect(
            throws: DockerError.imageLookupFailed(
                image: "broken:1",
                message: "permission denied while trying to connect"
            )
        ) {
            try await docker.imageExists("broken:1")
        }
    }

    @Test("isAnswering asks the server for its version and never throws")
    func isAnswering() async {
        #expect(await docker.isAnswering() == false)
        runner.on("docker", ["version"], result: CommandResult(standardOutput: "20.10.24+dfsg1\n"))
        #expect(await docker.isAnswering())
        #expect(runner.lines(of: "docker").last == "docker version --format {{.Server.Version}}")
    }

    @Test("a docker that cannot be launched is reported as unavailable")
    func launchFailure() async {
        struct Unlaunchable: CommandRunner {
            func run(_ command: Command) async throws(CommandError) -> CommandResult {
                throw .launchFailed(command: command.description, reason: "No such file or directory")
            }
        }
        let docker = DockerCLI(runner: Unlaunchable())
        await #expect(throws: DockerError.self) { try await docker.pull("registry:2") }
        #expect(await docker.isAnswering() == false)
        do { try await docker.start("registry") } catch {
            #expect(
                error.description.hasPrefix("docker cannot be run: could not run 'docker container start registry'")
            )
        }
    }

    @Test("run returns the id printed last and names container and image when it fails")
    func runResult() async throws {
        let spec = ContainerSpec(name: "registry", image: "registry:2", inputsDigest: "x")
        runner.on("docker", ["run"], result: CommandResult(standardOutput: "Unable to find image…\nabc123\n"))
        #expect(try await docker.run(spec, specDigest: "d") == "abc123")
        runner.on(
            "docker",
            ["run"],
            result: CommandResult(exitCode: 125, standardError: "docker: invalid reference format.\n")
        )
        do {
            try await docker.run(spec, specDigest: "d")
            Issue.record("run should have failed")
        } catch {
            #expect(
                error.description
                    == "could not create container 'registry' from image 'registry:2': docker: invalid reference format."
            )
        }
    }

    @Test("create makes the container without starting it, with the same options as run")
    func createArgv() async throws {
        runner.on("docker", ["container", "create"], result: CommandResult(standardOutput: "abc\n"))
        let spec = ContainerSpec(
            name: "r",
            image: "img:1",
            mounts: [Mount(source: "/a", target: "/b", readOnly: false)],
            inputsDigest: "x"
        )
        try await docker.create(spec, specDigest: "d")
        #expect(
            runner.lines(of: "docker") == [
                "docker container create --name r --network host --restart unless-stopped "
                    + "--label io.juju.docker-registry.managed-by=docker-registry-charm -v /a:/b "
                    + "--label io.juju.docker-registry.spec-digest=d img:1"
            ]
        )
    }

    @Test("container names follow docker's rule")
    func containerNames() {
        for good in ["registry", "r", "my_registry.1-a", "0registry"] {
            #expect(ContainerSpec.isValidContainerName(good), "\(good)")
        }
        for bad in ["", "-r", ".r", "_r", "a b", "a/b", "a:b", "réseau"] {
            #expect(!ContainerSpec.isValidContainerName(bad), "\(bad)")
        }
    }
}
