import Foundation
import Testing

@Suite("Multi-unit: add-unit, remove-unit, leadership, application removal", .serialized)
struct MultiUnitTests {
    @Test(
        "add-unit (3.6): install, peer and db relation-created, leader-settings-changed, config-changed, start, joins"
    )
    func addUnitSequence() throws {
        let sim = try SimHarness.recording()
        try sim.deploy()
        try sim.write("database: reg\n", to: sim.root + "/app.yaml")
        try sim.ok("relate", "db", "pg", "--units", "2", "--app-data", sim.root + "/app.yaml")
        let start = sim.events().count
        #expect(try sim.ok("add-unit") == "demo/1\n")
        #expect(
            sim.events(of: "demo/1", from: start) == [
                "install",
                "peer-relation-created remote= list=",
                "db-relation-created remote= list=",
                "leader-settings-changed",
                "config-changed",
                "start",
                "peer-relation-joined remote=demo/0 list=demo/0",
                "peer-relation-changed remote=demo/0 list=demo/0",
                "db-relation-joined remote=pg/0 list=pg/0",
                "db-relation-changed remote=pg/0 list=pg/0",
                "db-relation-joined remote=pg/1 list=pg/0,pg/1",
                "db-relation-changed remote=pg/1 list=pg/0,pg/1",
                "db-relation-changed remote= list=pg/0,pg/1",
            ]
        )
        #expect(
            sim.events(of: "demo/0", from: start) == [
                "peer-relation-joined remote=demo/1 list=demo/1",
                "peer-relation-changed remote=demo/1 list=demo/1",
            ]
        )
        #expect(try sim.isLeader("demo/1") == "False\n")
        #expect(try sim.isLeader("demo/0") == "True\n")
        let data = try #require(try sim.json("relation-data", "1") as? [String: Any])
        let remoteView = try #require(data["remote-members"] as? [String: [String]])
        #expect(remoteView == ["pg/0": ["demo/0", "demo/1"], "pg/1": ["demo/0", "demo/1"]])
        let bags = try #require(data["unit-data"] as? [String: [String: String]])
        #expect(bags["demo/1"]?["private-address"] != nil)
    }

    @Test("add-unit --count 2 on 4.0: no leader-settings-changed, peer pairs joined in unit order, no leader-* tools")
    func addUnitsJuju4() throws {
        let sim = try SimHarness.recording()
        try sim.deploy("--juju-version", "4.0")
        let start = sim.events().count
        #expect(try sim.ok("add-unit", "--count", "2") == "demo/1\ndemo/2\n")
        #expect(!sim.events().contains { $0.hasSuffix(" leader-settings-changed") })
        #expect(
            sim.events(of: "demo/0", from: start) == [
                "peer-relation-joined remote=demo/1 list=demo/1",
                "peer-relation-changed remote=demo/1 list=demo/1",
                "peer-relation-joined remote=demo/2 list=demo/1,demo/2",
                "peer-relation-changed remote=demo/2 list=demo/1,demo/2",
            ]
        )
        #expect(
            Array(sim.events(of: "demo/2", from: start).prefix(4)) == [
                "install", "peer-relation-created remote= list=", "config-changed", "start",
            ]
        )
        let tools = try sim.tools(["leader-get", "leader-set a=b", "is-leader"], unit: "demo/2")
        #expect(tools.map(\.code) == [127, 127, 0])
        #expect(tools[2].stdout == "False\n")
    }

    @Test("remove-unit: the unit departs with JUJU_DEPARTING_UNIT=itself, no peer -broken; peers see it depart")
    func removeUnit() throws {
        let sim = try SimHarness.recording()
        try sim.deploy("--unit-count", "3")
        try sim.ok("relate", "db", "pg")
        _ = try sim.tools(["relation-set -r peer:0 hello=from-1"], unit: "demo/1")
        let start = sim.events().count
        try sim.ok("remove-unit", "demo/1")
        #expect(
            sim.events(of: "demo/1", from: start) == [
                "peer-relation-departed remote=demo/0 departing=demo/1 list=demo/2",
                "peer-relation-departed remote=demo/2 departing=demo/1 list=",
                "db-relation-departed remote=pg/0 departing=demo/1 list=",
                "db-relation-broken remote= list=",
                "stop",
                "remove",
            ]
        )
        #expect(
            sim.events(of: "demo/0", from: start) == [
                "peer-relation-departed remote=demo/1 departing=demo/1 list=demo/2"
            ]
        )
        #expect(
            sim.events(of: "demo/2", from: start) == [
                "peer-relation-departed remote=demo/1 departing=demo/1 list=demo/0"
            ]
        )
        let after = try sim.tools(["relation-get -r peer:0 hello demo/1", "relation-list -r 0", "is-leader"])
        #expect(after[0].code == 0 && after[0].stdout == "from-1\n")
        #expect(after[1].stdout == "demo/2\n")
        #expect(after[2].stdout == "True\n")
        let status = try #require(try sim.json("status") as? [String: Any])
        let units = try #require((status["application"] as? [String: Any])?["units"] as? [String: [String: Any]])
        #expect(units["demo/1"]?["removed"] as? Bool == true)
        let relations = try #require(status["relations"] as? [[String: Any]])
        #expect(relations.first { $0["id"] as? Int == 1 }?["remote-units"] as? [String] == ["pg/0"])
        let data = try #require(try sim.json("relation-data", "1") as? [String: Any])
        #expect(data["remote-members"] as? [String: [String]] == ["pg/0": ["demo/0", "demo/2"]])
        let again = try sim.sim("remove-unit", "demo/1")
        #expect(again.code == 1 && again.stderr == "ERROR unit \"demo/1\" not found\n")
    }

    @Test("removing the leader: leader-elected on the lowest remaining unit, leader-settings-changed on the others")
    func removeLeader() throws {
        let sim = try SimHarness.recording()
        try sim.deploy("--unit-count", "3")
        let start = sim.events().count
        try sim.ok("remove-unit", "demo/0")
        let events = Array(sim.events().dropFirst(start))
        #expect(
            events == [
                "demo/0 peer-relation-departed remote=demo/1 departing=demo/0 list=demo/2",
                "demo/0 peer-relation-departed remote=demo/2 departing=demo/0 list=",
                "demo/0 stop",
                "demo/0 remove",
                "demo/1 peer-relation-departed remote=demo/0 departing=demo/0 list=demo/2",
                "demo/2 peer-relation-departed remote=demo/0 departing=demo/0 list=demo/1",
                "demo/1 leader-elected",
                "demo/2 leader-settings-changed",
            ]
        )
        #expect(try sim.isLeader("demo/1") == "True\n")
        #expect(try sim.isLeader("demo/2") == "False\n")
    }

    @Test("the new leader is the lowest unit by number: demo/2 before demo/10")
    func leaderByNumber() throws {
        let sim = try SimHarness.recording(peers: false)
        try sim.deploy("--unit-count", "11")
        let start = sim.events().count
        let doomed = [0, 1, 3, 4, 5, 6, 7, 8, 9].map { "demo/\($0)" }
        try sim.simArgs(["remove-unit"] + doomed)
        let events = Array(sim.events().dropFirst(start))
        #expect(
            events.filter { $0.hasPrefix("demo/2 ") || $0.hasPrefix("demo/10 ") } == [
                "demo/2 leader-elected", "demo/10 leader-settings-changed",
            ]
        )
        #expect(events.filter { $0.hasSuffix(" remove") }.count == 9)
        #expect(try sim.isLeader("demo/2") == "True\n")
        #expect(try sim.isLeader("demo/10") == "False\n")
    }

    @Test("add-unit after the last unit went: the new unit is elected leader during its setup")
    func addUnitWithoutLeader() throws {
        let sim = try SimHarness.recording()
        try sim.deploy()
        try sim.ok("remove-unit", "demo/0")
        let start = sim.events().count
        #expect(try sim.ok("add-unit") == "demo/1\n")
        #expect(
            sim.events(of: "demo/1", from: start) == [
                "install", "peer-relation-created remote= list=", "leader-elected", "config-changed", "start",
            ]
        )
        #expect(try sim.isLeader("demo/1") == "True\n")
    }

    @Test("set-leader <unit>: leader-elected there, leader-settings-changed elsewhere on 3.6, not on 4.0")
    func setLeader() throws {
        for (version, expectSettings) in [("3.6", true), ("4.0", false)] {
            let sim = try SimHarness.recording()
            try sim.deploy("--unit-count", "3", "--juju-version", version)
            let start = sim.events().count
            try sim.ok("set-leader", "demo/2")
            let events = Array(sim.events().dropFirst(start))
            let expected =
                expectSettings
                ? ["demo/2 leader-elected", "demo/0 leader-settings-changed", "demo/1 leader-settings-changed"]
                : ["demo/2 leader-elected"]
            #expect(events == expected, "Juju \(version)")
            #expect(try sim.isLeader("demo/2") == "True\n")
            #expect(try sim.isLeader("demo/0") == "False\n")
            let status = try #require(try sim.json("status") as? [String: Any])
            let units = try #require(
                (status["application"] as? [String: Any])?["units"] as? [String: [String: Any]]
            )
            #expect(units.filter { $0.value["leader"] as? Bool == true }.map(\.key) == ["demo/2"])
            let middle = sim.events().count
            try sim.ok("set-leader", "demo/2")
            #expect(sim.events().count == middle)
        }
        let sim = try SimHarness.recording()
        try sim.deploy("--unit-count", "2")
        let start = sim.events().count
        try sim.ok("set-leader", "true", "--unit", "demo/1")
        #expect(Array(sim.events().dropFirst(start)) == ["demo/1 leader-elected", "demo/0 leader-settings-changed"])
        let missing = try sim.sim("set-leader", "demo/7")
        #expect(missing.code == 1 && missing.stderr == "ERROR unit \"demo/7\" not found\n")
    }

    @Test("remove (application): departed per remote unit with JUJU_DEPARTING_UNIT=itself, -broken only for non-peers")
    func removeApplication() throws {
        let sim = try SimHarness.recording()
        try sim.deploy("--unit-count", "2")
        try sim.ok("relate", "db", "pg", "--units", "2")
        let start = sim.events().count
        try sim.ok("remove")
        for (unit, other) in [("demo/0", "demo/1"), ("demo/1", "demo/0")] {
            #expect(
                sim.events(of: unit, from: start) == [
                    "peer-relation-departed remote=\(other) departing=\(unit) list=",
                    "db-relation-departed remote=pg/0 departing=\(unit) list=pg/1",
                    "db-relation-departed remote=pg/1 departing=\(unit) list=",
                    "db-relation-broken remote= list=",
                    "stop",
                    "remove",
                ]
            )
        }
        let after = sim.events().dropFirst(start)
        #expect(!after.contains { $0.contains("peer-relation-broken") || $0.hasSuffix(" leader-elected") })
        let refused = try sim.sim("add-unit")
        #expect(refused.code == 1 && refused.stderr == "ERROR application \"demo\" is being removed\n")
    }
}
