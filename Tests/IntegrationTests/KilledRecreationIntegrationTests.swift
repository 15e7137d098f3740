import Foundation
import Testing

/// A hook killed (SIGKILL) in the middle of re-creating the registry container, then what Juju does next (it runs
/// the failed hook again once the operator resolves it, or on its own retry): the unit ends serving, active, with
/// one registry container and none parked.
@Suite("SIGKILL during a re-creation", .serialized, .enabled(if: CharmUnderTest.enabled))
struct KilledRecreationIntegrationTests {
    /// Where in the re-creation the hook is killed.
    enum KillPoint: String, CaseIterable, CustomTestStringConvertible {
        /// The old container was stopped and renamed `registry.charm-previous`.
        case parked
        /// The new container runs under `registry`; the parked one is not removed yet.
        case newContainerRunning

        var testDescription: String { rawValue }
    }

    /// The id of the container `name`, `nil` when there is none; asked of the engine's socket (a few ms, so the
    /// short windows of a re-creation are seen).
    static func containerID(_ name: String) -> String? {
        guard
            let output = try? shell(
                "curl",
                ["-s", "--unix-socket", "/var/run/docker.sock", "http://docker/containers/\(name)/json"]
            ),
            let object = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        else { return nil }
        return object["Id"] as? String
    }

    @Test(
        "killed at each point, the retried hook leaves the registry serving and no parked container",
        arguments: KillPoint.allCases
    )
    func killedRecreationHeals(at point: KillPoint) throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let oldID = try #require(try charm.containerID())

        // config-changed with a new port re-creates the container; the hook is killed at the kill point.
        let killed = try charm.killHook(["config", "registry-port=5052"]) {
            switch point {
            case .parked: return Self.containerID("registry.charm-previous") != nil
            case .newContainerRunning:
                return Self.containerID("registry.charm-previous") != nil
                    && Self.containerID("registry").map { $0 != oldID } == true
            }
        }
        try #require(killed, "the hook finished before it reached \(point.rawValue)")

        // What Juju does next: the hook is retried once resolved.
        _ = try charm.sim(["resolve"])
        let status = try charm.unitStatus()
        #expect(status.message == "Ready at 127.0.0.1:5052 (http).", "\(status)")
        #expect(Self.containerID("registry.charm-previous") == nil)
        let names = try shell("docker", ["container", "ls", "--all", "--format", "{{.Names}}"]).stdout
            .split(separator: "\n").filter { $0.hasPrefix("registry") }
        #expect(names == ["registry"])
        let answer = try curl("http://127.0.0.1:5052/v2/")
        #expect(answer?.status == 200)
    }
}
