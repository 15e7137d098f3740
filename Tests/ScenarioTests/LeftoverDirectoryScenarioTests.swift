import JujuKit
import JujuKitTesting
import RegistryCharm
import Testing

/// dockerd makes a directory where a bind-mounted file is missing; a unit deployed on such a machine must not fail.
@Suite("Directories dockerd left in place of the charm's files")
struct LeftoverDirectoryScenarioTests {
    @Test("config.yml, the certificate and the key as directories before install: the deploy ends Ready with files")
    func deployOverDirectories() async throws {
        let scenario = Scenario()
        for name in ["config.yml", "registry.crt", "registry.key"] {
            try scenario.files.createDirectory("/etc/docker/registry/\(name)", mode: .publicDirectory)
        }
        for event: HookEvent in [
            .unit(.install), .relation(endpoint: "peer", kind: .created), .unit(.leaderElected),
            .unit(.configChanged), .unit(.start),
        ] {
            #expect(await scenario.run(event).exitCode == 0, "\(event)")
        }
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(!scenario.files.isDirectory("/etc/docker/registry/config.yml"))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("\"version\" : \"0.1\"") == true)
    }
}
