import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// The container life-cycle against a pretend dockerd: which docker commands each situation costs, in which order.
@Suite("Container manager")
struct ContainerManagerTests {
    static let spec = ContainerSpec(
        name: "registry",
        image: "registry:2",
        mounts: [
            Mount(source: "/srv/registry", target: "/var/lib/registry", readOnly: false),
            Mount(source: "/etc/docker/registry/config.yml", target: "/etc/docker/registry/config.yml"),
        ],
        environmentFile: "/etc/docker/registry/registry.env",
        inputsDigest: "inputs-1"
    )

    let engine = DockerFakeEngine()
    var manager: ContainerManager {
        ContainerManager(docker: engine.cli, digest: ContainerDigest.sha256Hex, stopTimeoutSeconds: 30)
    }

    func labels(for spec: ContainerSpec) -> [String: String] {
        [
            ContainerLabels.managedBy: ContainerLabels.managedByValue,
            ContainerLabels.specDigest: manager.specDigest(spec),
        ]
    }

    func runLine(_ spec: ContainerSpec) -> String {
        [
            "run -d --name registry --network host --restart unless-stopped",
            "--label io.juju.docker-registry.managed-by=docker-registry-charm",
            "--env-file /etc/docker/registry/registry.env",
            "-v /etc/docker/registry/config.yml:/etc/docker/registry/config.yml:ro",
            "-v /srv/registry:/var/lib/registry",
            "--label io.juju.docker-registry.spec-digest=\(manager.specDigest(spec))",
            spec.image,
        ].joined(separator: " ")
    }

    @Test("an up-to-date running container costs exactly one docker call and is left alone")
    func unchanged() async throws {
        let id = engine.addContainer(name: "registry", running: true, labels: labels(for: Self.spec))
        let outcome = try await manager.reconcile(Self.spec, startIfStopped: true)
        #expect(outcome == .unchanged)
        #expect(engine.dockerLines == ["container inspect registry"])
        #expect(engine.container(named: "registry")?.id == id)
    }

    @Test("a container docker is restarting (crash loop) with the same spec is left to docker")
    func restartingIsUnchanged() async throws {
        engine.addContainer(name: "registry", running: false, restarting: true, labels: labels(for: Self.spec))
        #expect(try await manager.reconcile(Self.spec, startIfStopped: true) == .unchanged)
        #expect(engine.dockerLines.count == 1)
    }

    @Test("a missing container is created with the exact docker run argv, image last")
    func missingIsCreated() async throws {
        engine.addImage("registry:2")
        let outcome = try await manager.reconcile(Self.spec, startIfStopped: true)
        #expect(outcome == .created)
        #expect(
            engine.dockerLines == [
                "container inspect registry",
                "image inspect --format {{.Id}} registry:2",
                runLine(Self.spec),
            ]
        )
        #expect(engine.container(named: "registry")?.running == true)
    }

    @Test("a missing image is pulled before the container is created")
    func missingImageIsPulled() async throws {
        engine.allowPull("registry:2")
        #expect(try await manager.reconcile(Self.spec, startIfStopped: true) == .created)
        #expect(
            engine.dockerLines[1...2] == ["image inspect --format {{.Id}} registry:2", "image pull --quiet registry:2"]
        )
        #expect(engine.dockerLines.last == runLine(Self.spec))
    }

    @Test("a changed spec re-creates: image first, then stop, park, run, remove the old one")
    func changedDigestRecreates() async throws {
        let oldID = engine.addContainer(name: "registry", running: true, labels: labels(for: Self.spec))
        engine.allowPull("registry:3")
        var changed = Self.spec
        changed.image = "registry:3"
        let outcome = try await manager.reconcile(changed, startIfStopped: true)
        #expect(outcome == .recreated)
        #expect(
            engine.dockerLines == [
                "container inspect registry",
                "image inspect --format {{.Id}} registry:3",
                "image pull --quiet registry:3",
                "container stop --time 30 \(oldID)",
                "container rename \(oldID) registry.charm-previous",
                runLine(changed),
                "container rm --volumes \(oldID)",
            ]
        )
        #expect(engine.containers.count == 1)
        let new = try #require(engine.container(named: "registry"))
        #expect(new.id != oldID && new.running && new.image == "registry:3")
        #expect(new.labels[ContainerLabels.specDigest] == manager.specDigest(changed))
    }

    @Test("a changed inputs digest (config.yml, htpasswd, certificates) re-creates; the image is not pulled again")
    func changedInputsRecreates() async throws {
        engine.addImage("registry:2")
        engine.addContainer(name: "registry", running: true, labels: labels(for: Self.spec))
        var changed = Self.spec
        changed.inputsDigest = "inputs-2"
        #expect(try await manager.reconcile(changed, startIfStopped: true) == .recreated)
        #expect(!engine.dockerLines.contains { $0.hasPrefix("image pull") })
        #expect(engine.dockerLines.count == 6)
    }

    @Test("a container without the charm's labels (e.g. from the reactive charm) is replaced")
    func unlabelledIsReplaced() async throws {
        engine.addImage("registry:2")
        engine.addContainer(name: "registry", running: true)
        #expect(try await manager.reconcile(Self.spec, startIfStopped: true) == .recreated)
        #expect(engine.container(named: "registry")?.labels[ContainerLabels.managedBy] == "docker-registry-charm")
    }

    @Test("an image that cannot be pulled leaves the old container serving, untouched")
    func failedPullKeepsOldContainer() async throws {
        let oldID = engine.addContainer(name: "registry", running: true, labels: labels(for: Self.spec))
        var changed = Self.spec
        changed.image = "registry:nope"
        await #expect(throws: DockerError.self) { try await manager.reconcile(changed, startIfStopped: true) }
        do {
            _ = try await manager.reconcile(changed, startIfStopped: true)
        } catch {
            #expect(error.description.hasPrefix("could not pull image 'registry:nope': "))
            #expect(error.description.contains("manifest for registry:nope not found"))
        }
        #expect(
            !engine.dockerLines.contains {
                $0.hasPrefix("container stop") || $0.hasPrefix("container rm") || $0.hasPrefix("run")
            }
        )
        #expect(engine.container(named: "registry")?.id == oldID)
        #expect(engine.container(named: "registry")?.running == true)
    }

    @Test("when docker refuses the new container, the old one gets its name back and runs again")
    func failedRunRestoresPrevious() async throws {
        engine.addImage("registry:2")
        let oldID = engine.addContainer(name: "registry", running: true, labels: labels(for: Self.spec))
        engine.fail("run", stderr: "docker: open /etc/docker/registry/registry.env: no such file or directory.")
        var changed = Self.spec
        changed.inputsDigest = "inputs-2"
        do {
            _ = try await manager.reconcile(changed, startIfStopped: true)
            Issue.record("reconcile should have failed")
        } catch {
            guard case .recreateFailed(let container, let message, let restored) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(container == "registry" && restored)
            #expect(message.contains("registry.env: no such file"))
            #expect(
                error.description.hasPrefix("could not re-create container 'registry': could not create container")
            )
            #expect(error.description.hasSuffix("; the previous container was restored"))
        }
        let restored = try #require(engine.container(named: "registry"))
        #expect(restored.id == oldID && restored.running)
        #expect(engine.containers.count == 1)
        #expect(
            engine.dockerLines.suffix(3) == [
                "container inspect registry", "container rename \(oldID) registry", "container start \(oldID)",
            ]
        )
    }

    @Test("a leftover parked container from an interrupted re-creation is removed before parking")
    func leftoverParkedIsRemoved() async throws {
        engine.addImage("registry:2")
        let leftover = engine.addContainer(name: "registry.charm-previous", running: false)
        let oldID = engine.addContainer(name: "registry", running: true)
        #expect(try await manager.reconcile(Self.spec, startIfStopped: true) == .recreated)
        #expect(engine.dockerLines.contains("container rm --force --volumes \(leftover)"))
        #expect(engine.containers.map(\.name) == ["registry"])
        #expect(engine.container(named: "registry")?.id != oldID)
    }

    @Test("a stopped up-to-date container is started when allowed: two docker calls")
    func stoppedIsStarted() async throws {
        let id = engine.addContainer(name: "registry", running: false, labels: labels(for: Self.spec))
        #expect(try await manager.reconcile(Self.spec, startIfStopped: true) == .started)
        #expect(engine.dockerLines == ["container inspect registry", "container start \(id)"])
    }

    @Test("a container an operator stopped stays stopped, even when its spec changed")
    func operatorStopWins() async throws {
        engine.addContainer(name: "registry", running: false, labels: labels(for: Self.spec))
        #expect(try await manager.reconcile(Self.spec, startIfStopped: false) == .keptStopped)
        var changed = Self.spec
        changed.inputsDigest = "inputs-2"
        #expect(try await manager.reconcile(changed, startIfStopped: false) == .keptStopped)
        #expect(engine.dockerLines == ["container inspect registry", "container inspect registry"])
    }

    @Test("a missing container is not created while an operator wants it stopped")
    func operatorRemovedStaysAbsent() async throws {
        #expect(try await manager.reconcile(Self.spec, startIfStopped: false) == .keptStopped)
        #expect(engine.dockerLines == ["container inspect registry"])
    }

    @Test("a running container with a changed spec is re-created even when stopped containers may not start")
    func runningChangedIsRecreatedRegardless() async throws {
        engine.addImage("registry:2")
        engine.addContainer(name: "registry", running: true)
        #expect(try await manager.reconcile(Self.spec, startIfStopped: false) == .recreated)
    }

    @Test("a container whose id merely starts with the name is not taken for it (bug F.2 #11)")
    func idPrefixIsNotAMatch() async throws {
        engine.addImage("registry:2")
        let other = engine.addContainer(
            name: "something-else",
            running: true,
            id: "cafe" + String(repeating: "0", count: 60)
        )
        var spec = Self.spec
        spec.name = "cafe"
        #expect(try await manager.reconcile(spec, startIfStopped: true) == .created)
        #expect(engine.container(named: "something-else")?.id == other)
        #expect(engine.container(named: "cafe") != nil)
    }

    @Test("remove stops and removes by id, and does nothing when there is no container")
    func remove() async throws {
        try await manager.remove("registry")
        #expect(engine.dockerLines == ["container inspect registry", "container inspect registry.charm-previous"])
        engine.runner.resetRecording()
        let id = engine.addContainer(name: "registry", running: true)
        try await manager.remove("registry")
        #expect(
            engine.dockerLines == [
                "container inspect registry", "container stop --time 30 \(id)", "container rm --volumes \(id)",
                "container inspect registry.charm-previous",
            ]
        )
        #expect(engine.containers.isEmpty)
    }

    @Test("the spec digest covers every defining field and ignores mount order")
    func specDigest() {
        let base = manager.specDigest(Self.spec)
        #expect(base.count == 64)
        var reordered = Self.spec
        reordered.mounts.reverse()
        #expect(manager.specDigest(reordered) == base)
        var variants: [ContainerSpec] = []
        for change in 0..<6 {
            var spec = Self.spec
            switch change {
            case 0: spec.name = "registry2"
            case 1: spec.image = "registry:2.8"
            case 2: spec.mounts[0].readOnly = true
            case 3: spec.mounts[1].source = "/etc/docker/registry/other.yml"
            case 4: spec.environmentFile = nil
            default: spec.inputsDigest = "inputs-2"
            }
            variants.append(spec)
        }
        let digests = Set(variants.map(manager.specDigest) + [base])
        #expect(digests.count == 7)
    }

    @Test(
        "a spec that could smuggle options or split a -v value is refused before docker runs",
        arguments: [
            ContainerSpec(name: "-registry", image: "registry:2", inputsDigest: "x"),
            ContainerSpec(name: "registry", image: "--privileged", inputsDigest: "x"),
            ContainerSpec(name: "registry", image: "registry:2 extra", inputsDigest: "x"),
            ContainerSpec(
                name: "registry",
                image: "registry:2",
                mounts: [Mount(source: "/a:b", target: "/c")],
                inputsDigest: "x"
            ),
            ContainerSpec(
                name: "registry",
                image: "registry:2",
                mounts: [Mount(source: "relative", target: "/c")],
                inputsDigest: "x"
            ),
            ContainerSpec(name: "registry", image: "registry:2", environmentFile: "env", inputsDigest: "x"),
        ]
    )
    func invalidSpec(_ spec: ContainerSpec) async throws {
        engine.addImage("registry:2")
        let id = engine.addContainer(name: "registry", running: true)
        await #expect(throws: DockerError.self) { try await manager.reconcile(spec, startIfStopped: true) }
        #expect(engine.dockerLines.isEmpty)
        #expect(engine.container(named: "registry")?.id == id)
    }

    @Test("proxy settings reach the container through --env-file only: no -e on argv")
    func noEnvironmentOnArgv() async throws {
        engine.addImage("registry:2")
        _ = try await manager.reconcile(Self.spec, startIfStopped: true)
        let run = try #require(engine.runner.commands.last)
        #expect(!run.arguments.contains("-e") && !run.arguments.contains("--env"))
        #expect(run.arguments.contains("--env-file"))
    }

    @Test("the inputs digest is independent of input order and tells absent from empty")
    func inputsDigest() {
        let a = ContainerDigest.inputs(
            [("/etc/docker/registry/config.yml", Array("x".utf8)), ("/etc/docker/registry/htpasswd", nil)],
            digest: ContainerDigest.sha256Hex
        )
        let b = ContainerDigest.inputs(
            [("/etc/docker/registry/htpasswd", nil), ("/etc/docker/registry/config.yml", Array("x".utf8))],
            digest: ContainerDigest.sha256Hex
        )
        let c = ContainerDigest.inputs(
            [("/etc/docker/registry/htpasswd", []), ("/etc/docker/registry/config.yml", Array("x".utf8))],
            digest: ContainerDigest.sha256Hex
        )
        #expect(a == b)
        #expect(a != c)
        #expect(ContainerDigest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}
