import Foundation
import Testing

/// Full file systems, made with small tmpfs mounts over the charm's directories: no hook fails, the old registry
/// keeps serving, the status says what is full, and space back restores `active`.
@Suite("Full file systems (tmpfs)", .serialized, .enabled(if: CharmUnderTest.enabled))
struct FullDiskIntegrationTests {
    /// Mounts a tmpfs of `size` over `path` (hiding what is there) and fills it to `leave` bytes free.
    static func mountFull(_ path: String, size: String, leave: Int) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mounted = try shell("mount", ["-t", "tmpfs", "-o", "size=\(size)", "charm-full-test", path])
        try #require(mounted.succeeded, "\(mounted.stderr)")
        // dd stops at ENOSPC; then give back `leave` bytes.
        _ = try shell("dd", ["if=/dev/zero", "of=\(path)/.filler", "bs=64k"])
        if leave > 0 { _ = try shell("truncate", ["-s", "-\(leave)", "\(path)/.filler"]) }
    }

    /// Unmounts the tmpfs over `path` (lazily: a container may still hold a bind mount of it).
    static func unmount(_ path: String) {
        _ = try? shell("umount", ["-l", path])
    }

    @Test(
        "/etc/docker/registry full: config-changed exits 0 and blocks naming it; the old registry serves; space back applies it"
    )
    func fullConfigDirectory() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let before = try charm.containerID()
        try Self.mountFull("/etc/docker/registry", size: "256k", leave: 0)
        defer { Self.unmount("/etc/docker/registry") }
        try charm.configure(["auth-basic-user": "admin", "auth-basic-password": "full-disk-pw-1"])
        let blocked = try charm.unitStatus()
        #expect(blocked.state == "blocked")
        #expect(
            blocked.message.hasPrefix("No space left on the file system of /etc/docker/registry"),
            "\(blocked.message)"
        )
        #expect(try charm.containerID() == before)
        #expect(try curl("http://127.0.0.1:5000/v2/")?.status == 200)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/etc/docker/registry").filter {
            $0 != ".filler"
        }
        #expect(leftovers.isEmpty, "half-written files: \(leftovers)")

        Self.unmount("/etc/docker/registry")
        try charm.hook("update-status")
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        #expect(try curl("http://127.0.0.1:5000/v2/")?.status == 401)
        #expect(!(try charm.logText()).contains("full-disk-pw-1"))
    }

    @Test("the storage nearly full is in the status while the registry serves; space back clears it")
    func storageNearlyFull() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try Self.mountFull("/srv/registry", size: "32m", leave: 1 << 20)
        defer { Self.unmount("/srv/registry") }
        try charm.deploy()
        let status = try charm.unitStatus()
        #expect(status.state == "active")
        #expect(status.message.hasPrefix("Ready at 127.0.0.1:5000 (http). Storage nearly full: "), "\(status.message)")
        #expect(status.message.contains("in /srv/registry"))
        #expect(try curl("http://127.0.0.1:5000/v2/")?.status == 200)

        try FileManager.default.removeItem(atPath: "/srv/registry/.filler")
        try charm.hook("update-status")
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
    }
}
