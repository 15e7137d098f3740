import Foundation
import Testing

/// The status tells the truth on a real engine: a registry docker keeps restarting is not Ready, and a container
/// removed behind the charm's back comes back.
@Suite("Registry health on a real docker engine", .serialized, .enabled(if: CharmUnderTest.enabled))
struct HealthIntegrationTests {
    @Test("docker rm -f registry: update-status creates it again and it serves its data")
    func removedContainerRevived() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try shell("docker", ["tag", CharmUnderTest.busyboxImage, "127.0.0.1:5000/it/health:kept"])
        #expect(try shell("docker", ["push", "127.0.0.1:5000/it/health:kept"]).succeeded)
        try shell("docker", ["rm", "-f", "registry"])
        try charm.sim(["update-status"])
        #expect(try charm.containerID() != nil)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        try shell("docker", ["rmi", "127.0.0.1:5000/it/health:kept"])
        #expect(try shell("docker", ["pull", "127.0.0.1:5000/it/health:kept"]).succeeded)
        try shell("docker", ["rmi", "127.0.0.1:5000/it/health:kept"])
    }

    @Test("registry-port taken by another process: blocked with the reason; freed: Ready again")
    func portInUse() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let port = 5056
        let squatter = Process()
        squatter.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        squatter.arguments = ["-m", "http.server", "--bind", "127.0.0.1", String(port)]
        squatter.standardOutput = FileHandle.nullDevice
        squatter.standardError = FileHandle.nullDevice
        try squatter.run()
        // SIGKILL: the test runner's threads may block SIGTERM, and a child inherits the blocked mask.
        defer { if squatter.isRunning { kill(squatter.processIdentifier, SIGKILL) } }
        #expect(try eventually(10) { try curl("http://127.0.0.1:\(port)/") != nil })

        try charm.configure(["registry-port": String(port)])
        let blocked = try charm.unitStatus()
        #expect(blocked.state == "blocked")
        #expect(blocked.message.contains("port \(port) is in use by another process"), "\(blocked.message)")

        kill(squatter.processIdentifier, SIGKILL)
        squatter.waitUntilExit()
        // docker restarts the registry with a growing back-off; update-status sees it serve again.
        let recovered = try eventually(60) {
            try charm.sim(["update-status"])
            return try charm.unitStatus().message == "Ready at 127.0.0.1:\(port) (http)."
        }
        let final = try charm.unitStatus().message
        #expect(recovered, "\(final)")
        #expect(try curl("http://127.0.0.1:\(port)/v2/")?.status == 200)
    }
}
