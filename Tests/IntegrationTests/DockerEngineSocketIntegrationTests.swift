import Foundation
import JujuKit
import RegistryCharm
import Testing

/// The socket against the real dockerd (set `CHARM_INTEGRATION=1`).
@Suite(
    "Docker engine socket on a real dockerd",
    .enabled(if: ProcessInfo.processInfo.environment["CHARM_INTEGRATION"] == "1")
)
struct DockerEngineSocketIntegrationTests {
    @Test("inspect through the socket gives what the CLI gives; a missing container is nil")
    func sameAsCLI() async throws {
        let socket = try #require(DockerEngineSocket.located(dockerHost: nil, exists: LocalFileSystem().exists))
        let name = "socket-test-\(UUID().uuidString.prefix(8))"
        let image = ProcessInfo.processInfo.environment["BUSYBOX_IMAGE"] ?? "localhost/busybox:test"
        let runner = SubprocessRunner()
        let created = try await runner.run(Command("docker", ["container", "create", "--name", name, image, "true"]))
        #expect(created.succeeded, "\(created.standardError)")
        defer { _ = try? Process.run(URL(fileURLWithPath: "/usr/bin/docker"), arguments: ["rm", "-f", name]) }
        let viaSocket = try await DockerCLI(runner: runner, engineSocket: socket).inspect(name)
        let viaCLI = try await DockerCLI(runner: runner).inspect(name)
        #expect(viaSocket != nil)
        #expect(viaSocket == viaCLI)
        #expect(try await DockerCLI(runner: runner, engineSocket: socket).inspect(name + "-missing") == nil)
    }
}
