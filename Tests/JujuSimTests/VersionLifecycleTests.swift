import Foundation
import Testing

/// `--juju-version`: charm-sim runs refresh and removal as that Juju version does (juju-hook-env.md §4.1, §4.2, §5).
@Suite("Refresh and removal as Juju 3.6 and 4.0 run them")
struct VersionLifecycleTests {
    @Test(
        "refresh: upgrade-charm, config-changed, [leader-settings-changed on non-leaders on 3.6], start",
        arguments: [
            ("3.6", ["upgrade-charm", "config-changed", "leader-settings-changed", "start"]),
            ("4.0", ["upgrade-charm", "config-changed", "start"]),
        ]
    )
    func refreshOrder(version: String, nonLeader: [String]) throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2", "--juju-version", version)
        let leaderBefore = try sim.hooks(unit: "demo/0").count
        let otherBefore = try sim.hooks(unit: "demo/1").count
        #expect(try sim.sim("upgrade").code == 0)
        #expect(
            Array(try sim.hooks(unit: "demo/0").dropFirst(leaderBefore)) == [
                "upgrade-charm", "config-changed", "start",
            ]
        )
        #expect(Array(try sim.hooks(unit: "demo/1").dropFirst(otherBefore)) == nonLeader)
    }

    @Test(
        "removal: relations departed and broken, then stop, then remove; the agent's statuses before each are the version's",
        arguments: [
            ("3.6", "cleaning up prior to charm deletion", "cleaning up prior to charm deletion", "maintenance"),
            ("4.0", "stopping charm software", "cleaning up prior to charm deletion", "terminated"),
        ]
    )
    func removalOrder(version: String, beforeStop: String, beforeRemove: String, after: String) throws {
        let sim = try SimHarness(handlers: [
            "stop": "status-get --include-data --format=json > ../stop-status",
            "remove": "status-get --include-data --format=json > ../remove-status",
        ])
        try sim.deploy("--juju-version", version)
        #expect(try sim.sim("relate", "db", "pg").code == 0)
        let before = try sim.hooks().count
        #expect(try sim.sim("remove").code == 0)
        #expect(
            Array(try sim.hooks(withRemote: true).dropFirst(before)) == [
                "db-relation-departed(pg/0)", "db-relation-broken()", "stop", "remove",
            ]
        )
        let unit = sim.state + "/agents/unit-demo-0/"
        #expect(
            sim.read(unit + "stop-status").contains("\"message\":\"\(beforeStop)\""),
            "\(sim.read(unit + "stop-status"))"
        )
        #expect(sim.read(unit + "remove-status").contains("\"message\":\"\(beforeRemove)\""))
        let status = try sim.json("status") as? [String: Any]
        let units = (status?["application"] as? [String: Any])?["units"] as? [String: Any]
        let workload = (units?["demo/0"] as? [String: Any])?["workload-status"] as? [String: Any]
        #expect(workload?["current"] as? String == after, "\(String(describing: workload))")
    }

    @Test(
        "removing the leader: the new leader gets leader-elected; on 3.6 only, the others get leader-settings-changed",
        arguments: ["3.6", "4.0"]
    )
    func leaderRemoval(version: String) throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "3", "--juju-version", version)
        let before = try sim.hooks(unit: "demo/2").count
        #expect(try sim.sim("remove-unit", "demo/0").code == 0)
        let third = Array(try sim.hooks(unit: "demo/2").dropFirst(before))
        #expect(third.contains("leader-settings-changed") == (version == "3.6"), "\(third)")
        #expect(try sim.hooks(unit: "demo/1").contains("leader-elected"))
    }

    /// The hook tools the charm's `ProcessHookTools` runs, read from its source.
    static func toolsTheCharmCalls() throws -> Set<String> {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/JujuKit/Tools/ProcessHookTools.swift")
        let text = try String(contentsOf: source, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #"(?:call|decode|parse|run)\(\s*"([a-z-]+)""#)
        let range = NSRange(text.startIndex..., in: text)
        return Set(
            pattern.matches(in: text, range: range).compactMap { match in
                Range(match.range(at: 1), in: text).map { String(text[$0]) }
            }
        )
    }

    @Test("every hook tool the charm calls exists on Juju 4.0, but leader-get, which it calls only before 4.0")
    func charmToolsOnJuju4() throws {
        let called = try Self.toolsTheCharmCalls()
        #expect(called.count >= 20, "\(called.sorted())")
        let sim = try SimHarness()
        try sim.deploy("--juju-version", "4.0")
        let available = Set(try FileManager.default.contentsOfDirectory(atPath: sim.state + "/tools/unit-demo-0"))
        #expect(called.subtracting(available) == ["leader-get"])
        for gone in ["leader-get", "leader-set", "add-metric", "payload-register", "pod-spec-set"] {
            #expect(!available.contains(gone), "\(gone)")
        }
    }
}
