import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// A full file system never fails a hook.
///
/// The files are put back, the status says which file system and what the files need, the registry keeps serving,
/// and the next hook retries. A filling storage is said in the status.
@Suite("Full file systems")
struct FullDiskScenarioTests {
    @Test(
        "a full /etc/docker/registry: hook exits 0, nothing half-written, blocked naming it; update-status applies it later"
    )
    func fullConfigDirectory() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let container = scenario.docker.containers.first?.id
        let configBefore = scenario.text("/etc/docker/registry/config.yml")
        scenario.files.setFull("/etc/docker/registry", true)
        scenario.diskSpace = { _ in DiskSpace(free: 0, size: 64 << 20) }
        let outcome = await scenario.configure(["auth-basic-user": "admin", "auth-basic-password": "full-disk-pw"])
        #expect(outcome.exitCode == 0)
        let status = try #require(scenario.status)
        #expect(status.state == .blocked)
        #expect(status.message.hasPrefix("No space left on the file system of /etc/docker/registry, 0.0 MiB free"))
        #expect(status.message.contains("the next hook retries"))
        #expect(!status.message.contains("full-disk-pw"))
        #expect(scenario.text("/etc/docker/registry/config.yml") == configBefore)
        #expect(scenario.files.files["/etc/docker/registry/htpasswd"] == nil)
        #expect(scenario.docker.containers.first?.id == container)
        #expect(scenario.docker.containers.first?.running == true)
        let errors = scenario.tools.model.logs.filter { $0.level == .error }.count

        // Still full: update-status says the same without logging it again.
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == status)
        #expect(scenario.tools.model.logs.filter { $0.level == .error }.count == errors)

        // Space again: the next update-status applies the configuration.
        scenario.files.setFull("/etc/docker/registry", false)
        scenario.diskSpace = { _ in nil }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("htpasswd") == true)
    }

    @Test("storage nearly full: active with the free space in the status; gone once space returns")
    func storageNearlyFull() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        scenario.diskSpace = { path in path == "/srv/registry" ? DiskSpace(free: 3 << 20, size: 1 << 30) : nil }
        await scenario.run(.unit(.updateStatus))
        #expect(
            scenario.status
                == .active(
                    "Ready at 10.0.0.5:5000 (http). Storage nearly full: 3.0 MiB free of 1.0 GiB in /srv/registry;"
                        + " pushes fail when it is full (delete images and run garbage-collect, or grow it)."
                )
        )
        // While it stays so, update-status is idle again (one tool call).
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        scenario.diskSpace = { _ in DiskSpace(free: 10 << 30, size: 20 << 30) }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }
}
