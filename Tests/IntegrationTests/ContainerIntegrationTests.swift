import Foundation
import JujuKit
import RegistryCharm
import RegistryCharmTesting
import Testing

/// The container manager against the real dockerd and a real registry image (set `CHARM_INTEGRATION=1`).
@Suite(
    "Container life-cycle on a real dockerd",
    .enabled(if: ProcessInfo.processInfo.environment["CHARM_INTEGRATION"] == "1"),
    .serialized
)
struct ContainerIntegrationTests {
    let image = ProcessInfo.processInfo.environment["REGISTRY_IMAGE"] ?? "localhost/registry:test"
    let docker = DockerCLI(runner: SubprocessRunner())
    var manager: ContainerManager {
        ContainerManager(docker: docker, digest: ContainerDigest.sha256Hex, stopTimeoutSeconds: 5)
    }

    /// A config.yml for the registry on `port`, and the spec of a container that reads it.
    func makeSpec(name: String, port: Int) throws -> (ContainerSpec, String) {
        let directory = try DockerTestShell.temporaryDirectory("registry-container")
        let config = "\(directory)/config.yml"
        try DockerTestShell.write(
            """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: /var/lib/registry
            http:
              addr: "127.0.0.1:\(port)"

            """,
            to: config
        )
        try DockerTestShell.write("HTTP_PROXY=http://proxy.invalid:3128\n", to: "\(directory)/registry.env")
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        let spec = ContainerSpec(
            name: name,
            image: image,
            mounts: [
                Mount(source: config, target: "/etc/docker/registry/config.yml"),
                Mount(source: "\(directory)/data", target: "/var/lib/registry", readOnly: false),
            ],
            environmentFile: "\(directory)/registry.env",
            inputsDigest: ContainerDigest.inputs(
                [(config, try DockerTestShell.bytes(config))],
                digest: ContainerDigest.sha256Hex
            )
        )
        return (spec, directory)
    }

    func waitForRegistry(port: Int) async throws -> Int {
        var status = 0
        for _ in 0..<100 where status == 0 {
            status = try await DockerTestShell.httpStatus("http://127.0.0.1:\(port)/v2/")
            if status == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        return status
    }

    @Test("reconciling twice keeps the container; a new inputs digest re-creates it once; remove cleans up")
    func lifeCycle() async throws {
        #expect(await docker.isAnswering(), "dockerd does not answer: start it or unset CHARM_INTEGRATION")
        #expect(try await docker.imageExists(image), "build \(image) first (scripts/test-env.sh)")
        let name = "charm-test-registry-\(UUID().uuidString.prefix(6).lowercased())"
        let port = DockerTestShell.freePort()
        var (spec, _) = try makeSpec(name: name, port: port)
        do {
            #expect(try await manager.reconcile(spec, startIfStopped: true) == .created)
            let first = try #require(try await docker.inspect(name))
            #expect(first.isRunning && first.specDigest == manager.specDigest(spec) && first.isManagedByCharm)
            #expect(try await waitForRegistry(port: port) == 200)

            let clock = ContinuousClock()
            var outcome = ReconcileOutcome.created
            let unchangedTime = try await clock.measure {
                outcome = try await manager.reconcile(spec, startIfStopped: true)
            }
            #expect(outcome == .unchanged)
            #expect(try await docker.inspect(name)?.id == first.id)

            spec.inputsDigest = "changed"
            let recreateTime = try await clock.measure {
                outcome = try await manager.reconcile(spec, startIfStopped: true)
            }
            #expect(outcome == .recreated)
            let second = try #require(try await docker.inspect(name))
            #expect(second.id != first.id && second.isRunning)
            #expect(try await docker.inspect(ContainerManager.parkedName(name)) == nil)
            #expect(try await waitForRegistry(port: port) == 200)
            print("real dockerd: unchanged reconcile \(unchangedTime), re-creation \(recreateTime)")

            try await docker.stop(second.id, timeoutSeconds: 5)
            #expect(try await manager.reconcile(spec, startIfStopped: false) == .keptStopped)
            #expect(try await manager.reconcile(spec, startIfStopped: true) == .started)
            #expect(try await docker.inspect(name)?.id == second.id)
        } catch {
            try? await manager.remove(name)
            throw error
        }
        try await manager.remove(name)
        #expect(try await docker.inspect(name) == nil)
    }

    @Test("a bad image leaves the running container in place")
    func badImageKeepsContainer() async throws {
        let name = "charm-test-registry-\(UUID().uuidString.prefix(6).lowercased())"
        let port = DockerTestShell.freePort()
        var (spec, _) = try makeSpec(name: name, port: port)
        do {
            #expect(try await manager.reconcile(spec, startIfStopped: true) == .created)
            let first = try #require(try await docker.inspect(name))
            spec.image = "localhost/no-such-image:\(UUID().uuidString.prefix(6).lowercased())"
            await #expect(throws: DockerError.self) { try await manager.reconcile(spec, startIfStopped: true) }
            let after = try #require(try await docker.inspect(name))
            #expect(after.id == first.id && after.isRunning)
        } catch {
            try? await manager.remove(name)
            throw error
        }
        try await manager.remove(name)
    }
}
