import Foundation
import Testing

/// The unit state deleted or corrupted between two hooks, under charm-sim on the real dockerd: the next hook rebuilds
/// the ports and the local docker's trust from the machine, keeps the container, and a later change cleans up
/// what the lost state had recorded.
@Suite("Unit state lost between hooks (real engine)", .serialized, .enabled(if: CharmUnderTest.enabled))
struct StateLossIntegrationTests {
    static func insecureRegistries() throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/etc/docker/daemon.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return object?["insecure-registries"] as? [String] ?? []
    }

    @Test(
        "State file deleted between two hooks → the next hook restores the ports and trust it had, without re-creating the container"
    )
    func deletedState() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let container = try #require(try charm.containerID())
        #expect(try Self.insecureRegistries().contains("127.0.0.1:5000"))
        #expect(try SimModelFile.dropUnitState(stateDirectory: charm.stateDirectory) > 0)

        try charm.hook("update-status")
        let status = try charm.unitStatus()
        #expect(status.message == "Ready at 127.0.0.1:5000 (http).")
        #expect(status.ports == ["5000/tcp"])
        #expect(try charm.containerID() == container)
        let log = try charm.logText()
        #expect(log.contains("the unit state is missing"))
        #expect(
            log.contains(
                "rebuilt from the machine: opened ports 5000/tcp; container registry; trusted registry 127.0.0.1:5000"
            )
        )

        // The rebuilt ports and trust are what the next change cleans up.
        try charm.configure(["registry-port": "5004"])
        #expect(try charm.unitStatus().ports == ["5004/tcp"])
        let trusted = try Self.insecureRegistries()
        #expect(trusted.contains("127.0.0.1:5004") && !trusted.contains("127.0.0.1:5000"), "\(trusted)")
        try charm.reset(["registry-port"])
        #expect(try charm.unitStatus().ports == ["5000/tcp"])
    }

    @Test("a corrupt unit state: logged as unreadable, ports and trust rebuilt, the container kept")
    func corruptState() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["auth-basic-user": "admin", "auth-basic-password": "state-loss-pw"])
        let container = try #require(try charm.containerID())
        try SimModelFile.setUnitState(stateDirectory: charm.stateDirectory, ["charm-state": "{\"flags\": [\"docker"])

        try charm.hook("config-changed")
        let status = try charm.unitStatus()
        #expect(status.message == "Ready at 127.0.0.1:5000 (http).")
        #expect(status.ports == ["5000/tcp"])
        #expect(try charm.containerID() == container, "the htpasswd was reused: the container did not change")
        #expect(try Self.insecureRegistries().contains("127.0.0.1:5000"))
        let log = try charm.logText()
        #expect(log.contains("the unit state is unreadable"))
        #expect(!log.contains("state-loss-pw"))
    }
}
