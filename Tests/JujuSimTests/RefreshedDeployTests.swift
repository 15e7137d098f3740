import Foundation
import Testing

@Suite("deploy-refreshed")
struct RefreshedDeployTests {
    @Test("units another charm started get upgrade-charm, config-changed, start; leader settings and config are seeded")
    func refreshSequenceWithLeaderSettings() throws {
        let sim = try SimHarness()
        let settings = sim.state + "/../leader-settings.yaml"
        try sim.write("http-secret: abc=\n", to: settings)
        let result = try sim.simArgs([
            "deploy-refreshed", sim.charm, "--unit-count", "2", "--leader-settings", settings, "port=6000",
        ])
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try sim.hooks(unit: "demo/0") == ["upgrade-charm", "config-changed", "start"])
        #expect(
            try sim.hooks(unit: "demo/1") == ["upgrade-charm", "config-changed", "leader-settings-changed", "start"]
        )
        #expect(try sim.tool("leader-get http-secret").stdout == "abc=\n")
        #expect(try sim.tool("config-get port").stdout == "6000\n")
        // The peer relation exists already, with both units joined.
        let peers = try sim.tool("relation-ids peer")
        let id = peers.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!id.isEmpty)
        #expect(try sim.tool("relation-list -r \(id)").stdout == "demo/1\n")
    }

    @Test("Juju 4.0 has no leader settings to seed")
    func juju4RefusesLeaderSettings() throws {
        let sim = try SimHarness()
        let settings = sim.state + "/../leader-settings.yaml"
        try sim.write("http-secret: abc=\n", to: settings)
        let refused = try sim.simArgs([
            "deploy-refreshed", sim.charm, "--juju-version", "4.0", "--leader-settings", settings,
        ])
        #expect(refused.code != 0)
        #expect(refused.stderr.contains("no leader settings"))
        let fresh = try SimHarness()
        #expect(try fresh.simArgs(["deploy-refreshed", fresh.charm, "--juju-version", "4.0"]).code == 0)
        #expect(try fresh.hooks() == ["upgrade-charm", "config-changed", "start"])
    }
}
