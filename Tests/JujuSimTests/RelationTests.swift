import Foundation
import Testing

@Suite("Relation data: visibility, fallbacks, permissions, propagation", .serialized)
struct RelationTests {
    /// Deploys and relates `db` to a two-unit `pg` with unit and app data; returns the relation id.
    private func related(_ sim: SimHarness, units: String = "1") throws -> Int {
        try sim.deploy("--unit-count", units)
        try sim.write("role: primary\nport: 5432\n", to: sim.root + "/unit.yaml")
        try sim.write("database: reg\n", to: sim.root + "/app.yaml")
        let result = try sim.sim(
            "relate",
            "db",
            "pg",
            "--units",
            "2",
            "--unit-data",
            sim.root + "/unit.yaml",
            "--app-data",
            sim.root + "/app.yaml"
        )
        #expect(result.code == 0, "relate failed: \(result.stderr)")
        return try #require(Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("relation-get: remote unit default, explicit unit, key, missing key, app fallback, name errors")
    func relationGet() throws {
        let sim = try SimHarness()
        let id = try related(sim)
        let runs = try sim.tools(
            [
                "relation-get --format=json",
                "relation-get - pg/1 --format=json",
                "relation-get role",
                "relation-get missing",
                "relation-get missing --format=json",
                "relation-get --app",
                "relation-get - pg",
                "relation-get - Bad!",
                "relation-get --app database pg/0",
                "relation-get - pg/7",
                "relation-get a b c",
            ],
            hook: "db-relation-changed",
            relation: id,
            remoteUnit: "pg/0"
        )
        let bag = try #require(try JSONSerialization.jsonObject(with: Data(runs[0].stdout.utf8)) as? [String: String])
        #expect(bag["role"] == "primary" && bag["port"] == "5432" && bag["private-address"] != nil)
        #expect(runs[1].stdout.contains("\"role\":\"primary\""))
        #expect(runs[2].stdout == "primary\n")
        #expect(runs[3].stdout == "" && runs[3].code == 0)
        #expect(runs[4].stdout == "null\n")
        #expect(runs[5].stdout == "database: reg\n")
        #expect(runs[6].code == 2 && runs[6].stderr == "ERROR expected unit name, got application name \"pg\"\n")
        #expect(runs[7].code == 2 && runs[7].stderr == "ERROR invalid unit name \"Bad!\"\n")
        #expect(runs[8].stdout == "reg\n")
        #expect(runs[9].code == 1)
        #expect(runs[10].code == 2)
        let appHook = try sim.tools(
            ["relation-get --format=json", "relation-get database"],
            hook: "db-relation-changed",
            relation: id,
            remoteUnit: ""
        )
        #expect(appHook[0].stdout == "{\"database\":\"reg\"}\n")
        #expect(appHook[1].stdout == "reg\n")
        let noTarget = try sim.tools(["relation-get -r \(id)"])
        #expect(noTarget[0].code == 2 && noTarget[0].stderr == "ERROR no unit or application specified\n")
    }

    @Test("relation-set: pending writes visible to own reads, --file - YAML, key= deletes, kv errors")
    func relationSet() throws {
        let sim = try SimHarness()
        let id = try related(sim)
        let runs = try sim.tools([
            "relation-set -r \(id) host=a.example port=80",
            "relation-get -r \(id) - demo/0 --format=json",
            "printf 'path: /v2\\nport: 8080\\n' | relation-set -r db:\(id) --file -",
            "relation-set -r \(id) host=",
            "relation-get -r \(id) - demo/0 --format=json",
            "relation-set -r \(id) novalue",
            "relation-set -r \(id) a=1 a=2",
            "relation-set host=x",
        ])
        #expect(runs[0].code == 0)
        #expect(runs[1].stdout.contains("\"host\":\"a.example\""))
        #expect(runs[2].code == 0, "\(runs[2].stderr)")
        let bag = try #require(try JSONSerialization.jsonObject(with: Data(runs[4].stdout.utf8)) as? [String: String])
        #expect(bag["host"] == nil && bag["path"] == "/v2" && bag["port"] == "8080")
        #expect(runs[5].code == 2 && runs[6].code == 2)
        #expect(runs[7].code == 2 && runs[7].stderr == "ERROR no relation id specified\n")
        let data = try #require(try sim.json("relation-data", String(id)) as? [String: Any])
        let units = try #require(data["unit-data"] as? [String: [String: String]])
        #expect(units["demo/0"]?["path"] == "/v2")
        #expect(units["demo/0"]?["host"] == nil)
    }

    @Test("application bags: leader writes, non-leader writes and reads are refused")
    func appBagPermissions() throws {
        let sim = try SimHarness()
        let id = try related(sim, units: "2")
        let leader = try sim.tools([
            "relation-set -r \(id) --app url=http://x", "relation-get -r \(id) --app - demo --format=json",
        ])
        #expect(leader[0].code == 0)
        #expect(leader[1].stdout == "{\"url\":\"http://x\"}\n")
        let follower = try sim.tools(
            [
                "relation-set -r \(id) --app url=y", "relation-get -r \(id) --app - demo",
                "relation-get -r \(id) --app - pg",
            ],
            unit: "demo/1"
        )
        #expect(follower[0].code == 1 && follower[0].stderr == "ERROR cannot write relation settings\n")
        #expect(follower[1].code == 1 && follower[1].stderr == "ERROR permission denied\n")
        #expect(follower[2].stdout == "database: reg\n")
        let data = try #require(try sim.json("relation-data", String(id)) as? [String: Any])
        #expect((data["application-data"] as? [String: [String: String]])?["demo"] == ["url": "http://x"])
    }

    @Test("a failing hook rolls back relation data, unit state and ports, and keeps statuses and logs")
    func rollback() throws {
        let sim = try SimHarness()
        let id = try related(sim)
        _ = try sim.tools(
            [
                "relation-set -r \(id) lost=yes", "state-set lost=yes", "open-port 9999", "status-set blocked kept",
                "juju-log kept log",
            ],
            hook: "db-relation-changed",
            relation: id,
            remoteUnit: "pg/0",
            exitCode: 3
        )
        let data = try #require(try sim.json("relation-data", String(id)) as? [String: Any])
        #expect((data["unit-data"] as? [String: [String: String]])?["demo/0"]?["lost"] == nil)
        let status = try #require(try sim.json("status") as? [String: Any])
        let unit = try #require(
            ((status["application"] as? [String: Any])?["units"] as? [String: Any])?["demo/0"]
                as? [String: Any]
        )
        #expect((unit["workload-status"] as? [String: Any])?["current"] as? String == "error")
        #expect(
            (unit["workload-status"] as? [String: Any])?["message"] as? String == "hook failed: \"db-relation-changed\""
        )
        #expect(unit["open-ports"] as? [String] == [])
        let log = try #require(try sim.json("log") as? [[String: Any]])
        #expect(log.contains { ($0["message"] as? String)?.hasSuffix("kept log") == true })
        let refused = try sim.sim("hook", "update-status")
        #expect(refused.code == 1 && refused.stderr.contains("run resolve first"))
        let resolved = try sim.sim("resolve", "--no-retry")
        #expect(resolved.code == 0)
        let after = try sim.tools(["state-get lost --format=json", "status-get"])
        #expect(after[0].stdout == "\"\"\n")
        #expect(after[1].stdout == "blocked\n")
    }

    @Test("resolve without --no-retry re-runs the failed hook, and queued hooks wait until then")
    func resolveRetries() throws {
        let sim = try SimHarness()
        try sim.deploy()
        try sim.setHandler("config-changed", "if [ ! -f ../fixed ]; then exit 1; fi\nstate-set ok=1\n")
        let failed = try sim.sim("config", "port=6000")
        #expect(failed.code == 1)
        #expect(try sim.sim("update-status").code == 0)
        #expect(try sim.hooks().last == "config-changed")
        try sim.write("", to: sim.state + "/agents/unit-demo-0/fixed")
        #expect(try sim.sim("resolve").code == 0)
        let hooks = try sim.hooks()
        #expect(Array(hooks.suffix(3)) == ["config-changed", "config-changed", "update-status"])
        #expect(try sim.tool("state-get ok").stdout == "1\n")
    }

    @Test("peer data written by one unit reaches the others as relation-changed, never the writer")
    func peerPropagation() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        let before0 = try sim.hooks(unit: "demo/0", withRemote: true).count
        let before1 = try sim.hooks(unit: "demo/1", withRemote: true).count
        _ = try sim.tools(["relation-set -r peer:0 ready=1"])
        let hooks0 = try sim.hooks(unit: "demo/0", withRemote: true)
        let hooks1 = try sim.hooks(unit: "demo/1", withRemote: true)
        #expect(Array(hooks0.dropFirst(before0)) == ["update-status"])
        #expect(Array(hooks1.dropFirst(before1)) == ["peer-relation-changed(demo/0)"])
        let seen = try sim.tools(["relation-get -r 0 ready demo/0", "relation-list -r 0"], unit: "demo/1")
        #expect(seen[0].stdout == "1\n")
        #expect(seen[1].stdout == "demo/0\n")
    }

    @Test("set-relation-data from the remote side triggers relation-changed with that unit")
    func remoteChange() throws {
        let sim = try SimHarness()
        let id = try related(sim)
        let before = try sim.hooks(withRemote: true).count
        #expect(try sim.sim("set-relation-data", String(id), "pg/1", "role=replica").code == 0)
        #expect(try sim.sim("set-relation-data", String(id), "pg", "database=other").code == 0)
        let hooks = Array(try sim.hooks(withRemote: true).dropFirst(before))
        #expect(hooks == ["db-relation-changed(pg/1)", "db-relation-changed()"])
    }
}
