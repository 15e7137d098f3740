import Foundation
import Testing

@Suite("Hook sequences and the hook environment", .serialized)
struct LifecycleTests {
    @Test("deploy runs install, peer relation-created, leader-elected, config-changed, start in order")
    func deploySequence() throws {
        let sim = try SimHarness()
        try sim.deploy()
        #expect(try sim.hooks() == ["install", "peer-relation-created", "leader-elected", "config-changed", "start"])
        let status = try #require(try sim.json("status") as? [String: Any])
        let unit = ((status["application"] as? [String: Any])?["units"] as? [String: Any])?["demo/0"] as? [String: Any]
        #expect((unit?["workload-status"] as? [String: Any])?["current"] as? String == "unknown")
        #expect(unit?["leader"] as? Bool == true)
    }

    @Test("agent sets 'installing charm software' before install when the charm set nothing")
    func installingStatus() throws {
        let sim = try SimHarness(handlers: ["install": "status-get --include-data --format=json > ../install-status"])
        try sim.deploy()
        let seen = sim.read(sim.state + "/agents/unit-demo-0/install-status")
        #expect(seen == "{\"message\":\"installing charm software\",\"status\":\"maintenance\",\"status-data\":{}}\n")
    }

    @Test("two units: the non-leader gets leader-settings-changed, peers join each other")
    func multiUnitDeploy() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        #expect(
            try sim.hooks(unit: "demo/1", withRemote: true) == [
                "install", "peer-relation-created()", "leader-settings-changed", "config-changed", "start",
                "peer-relation-joined(demo/0)", "peer-relation-changed(demo/0)",
            ]
        )
        #expect(
            try sim.hooks(unit: "demo/0", withRemote: true).suffix(2) == [
                "peer-relation-joined(demo/1)", "peer-relation-changed(demo/1)",
            ]
        )
    }

    @Test("Juju 4.0: no leader-settings-changed and no leader-* tools")
    func juju4() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2", "--juju-version", "4.0")
        #expect(!(try sim.hooks(unit: "demo/1")).contains("leader-settings-changed"))
        let run = try sim.tool("leader-get")
        #expect(run.code == 127)
    }

    @Test("config-changed runs only when the effective config changes")
    func configChangedOnlyOnChange() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let count = { try sim.hooks().filter { $0 == "config-changed" }.count }
        #expect(try count() == 1)
        #expect(try sim.sim("config", "port=5000").code == 0)
        #expect(try count() == 1)
        #expect(try sim.sim("config", "port=6000", "debug=true").code == 0)
        #expect(try count() == 2)
        #expect(try sim.tools(["config-get port", "config-get debug"]).map(\.stdout) == ["6000\n", "True\n"])
        #expect(try sim.sim("config", "port=6000").code == 0)
        #expect(try count() == 2)
        #expect(try sim.sim("config", "--reset", "port").code == 0)
        #expect(try count() == 3)
        let bad = try sim.sim("config", "nope=1")
        #expect(bad.code == 1 && bad.stderr == "ERROR unknown option \"nope\"\n")
        let wrongType = try sim.sim("config", "port=abc")
        #expect(wrongType.code == 1)
        let config = try #require(try sim.json("config") as? [String: Any])
        #expect(config["port"] as? Int == 5000)
    }

    @Test("relate: created, joined+changed per remote unit in order, app-changed; unrelate: departed per unit, broken")
    func relateAndUnrelate() throws {
        let sim = try SimHarness(handlers: [
            "db-relation-broken": "relation-ids db > ../broken-ids; relation-list > ../broken-list",
            "db-relation-departed": "echo \"$JUJU_DEPARTING_UNIT\" >> ../departing",
        ])
        try sim.deploy()
        try sim.write("database: reg\n", to: sim.root + "/app.yaml")
        let before = try sim.hooks().count
        let relate = try sim.sim("relate", "db", "pg", "--units", "2", "--app-data", sim.root + "/app.yaml")
        #expect(relate.code == 0)
        #expect(relate.stdout == "1\n")
        #expect(
            Array(try sim.hooks(withRemote: true).dropFirst(before)) == [
                "db-relation-created()", "db-relation-joined(pg/0)", "db-relation-changed(pg/0)",
                "db-relation-joined(pg/1)", "db-relation-changed(pg/1)", "db-relation-changed()",
            ]
        )
        let middle = try sim.hooks().count
        #expect(try sim.sim("unrelate", "1").code == 0)
        #expect(
            Array(try sim.hooks(withRemote: true).dropFirst(middle)) == [
                "db-relation-departed(pg/0)", "db-relation-departed(pg/1)", "db-relation-broken()",
            ]
        )
        let agent = sim.state + "/agents/unit-demo-0"
        #expect(sim.read(agent + "/departing") == "pg/0\npg/1\n")
        #expect(sim.read(agent + "/broken-ids") == "")
        #expect(sim.read(agent + "/broken-list") == "")
        #expect(try sim.sim("unrelate", "1").code == 1)
    }

    @Test("the hook environment is exactly Juju's: no inherited variables except PATH and opt-in passthrough")
    func environment() throws {
        let sim = try SimHarness(handlers: ["db-relation-created": "env > ../env-created"])
        try sim.deploy()
        #expect(try sim.sim("relate", "db", "pg").code == 0)
        let text = sim.read(sim.state + "/agents/unit-demo-0/env-created")
        var environment: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { environment[String(parts[0])] = String(parts[1]) }
        }
        #expect(environment["JUJU_DISPATCH_PATH"] == "hooks/db-relation-created")
        #expect(environment["JUJU_HOOK_NAME"] == "db-relation-created")
        #expect(environment["JUJU_RELATION"] == "db")
        #expect(environment["JUJU_RELATION_ID"] == "db:1")
        #expect(environment["JUJU_REMOTE_APP"] == "pg")
        #expect(environment["JUJU_REMOTE_UNIT"] == "")
        #expect(environment["JUJU_UNIT_NAME"] == "demo/0")
        #expect(environment["JUJU_VERSION"] == "3.6.4")
        #expect(environment["JUJU_CONTEXT_ID"]?.hasPrefix("demo/0-db-relation-created-") == true)
        #expect(environment["JUJU_AVAILABILITY_ZONE"] == "")
        #expect(environment["CHARM_DIR"] == sim.unitCharm())
        #expect(environment["JUJU_CHARM_DIR"] == sim.unitCharm())
        #expect(environment["PATH"]?.hasPrefix(sim.state + "/tools/unit-demo-0:") == true)
        #expect(environment["RESULTS"] == sim.results)
        #expect(environment["HOME"] == nil)
        #expect(environment["CHARM_SIM_PASSTHROUGH_ENV"] == nil)
        #expect(environment["JUJU_DEPARTING_UNIT"] == nil)
        #expect(environment["PWD"] == sim.unitCharm())
    }

    @Test("without dispatch: missing hooks are skipped and logged, a non-executable hook fails")
    func legacyHooks() throws {
        let sim = try SimHarness(dispatch: false)
        try sim.write("#!/bin/bash\nstatus-set active installed\n", to: sim.charm + "/hooks/install", executable: true)
        try sim.write("#!/bin/bash\nexit 0\n", to: sim.charm + "/hooks/start", executable: false)
        let deploy = try sim.sim("deploy", sim.charm)
        #expect(deploy.code == 1)
        let history = try sim.history()
        #expect(history.map { $0["outcome"] as? String ?? "" } == ["ok", "skipped", "skipped", "skipped", "failed"])
        let log = try #require(try sim.json("log") as? [[String: Any]])
        #expect(log.contains { ($0["message"] as? String) == "skipped \"config-changed\" hook (missing)" })
    }

    @Test("a non-executable dispatch is a hard failure")
    func nonExecutableDispatch() throws {
        let sim = try SimHarness(dispatch: false)
        try sim.write(Fixture.dispatch, to: sim.charm + "/dispatch", executable: false)
        try sim.write("#!/bin/bash\nexit 0\n", to: sim.charm + "/hooks/install", executable: true)
        let deploy = try sim.sim("deploy", sim.charm)
        #expect(deploy.code == 1)
        #expect(try sim.history().first?["outcome"] as? String == "failed")
        #expect(try sim.hooks() == ["install"])
    }

    @Test("upgrade runs upgrade-charm, config-changed, start with the refreshed charm; remove: no peer -broken")
    func upgradeAndRemove() throws {
        let sim = try SimHarness()
        try sim.deploy()
        #expect(try sim.sim("relate", "db", "pg").code == 0)
        try sim.write("echo v2 > ../upgraded-with", to: sim.charm + "/handlers/upgrade-charm")
        let before = try sim.hooks().count
        #expect(try sim.sim("upgrade").code == 0)
        #expect(Array(try sim.hooks().dropFirst(before)) == ["upgrade-charm", "config-changed", "start"])
        #expect(sim.read(sim.state + "/agents/unit-demo-0/upgraded-with") == "v2\n")
        let middle = try sim.hooks().count
        #expect(try sim.sim("remove").code == 0)
        #expect(
            Array(try sim.hooks(withRemote: true).dropFirst(middle)) == [
                "db-relation-departed(pg/0)", "db-relation-broken()", "stop", "remove",
            ]
        )
    }

    @Test("update-status runs on every unit")
    func updateStatus() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        #expect(try sim.sim("update-status").code == 0)
        #expect(try sim.hooks(unit: "demo/0").last == "update-status")
        #expect(try sim.hooks(unit: "demo/1").last == "update-status")
    }
}

@Suite("Charm copy")
struct CharmCopyTests {
    @Test(".jujuignore is honoured like .gitignore: the last matching pattern wins and ! re-includes")
    func jujuignoreNegation() throws {
        let sim = try SimHarness()
        try sim.write("# comment\n/bin/*\n!/bin/keep-me\n*.log\n", to: sim.charm + "/.jujuignore")
        try sim.write("binary", to: sim.charm + "/bin/keep-me", executable: true)
        try sim.write("junk", to: sim.charm + "/bin/drop-me")
        try sim.write("log", to: sim.charm + "/handlers/debug.log")
        try sim.deploy()
        let copy = sim.unitCharm()
        #expect(FileManager.default.fileExists(atPath: copy + "/bin/keep-me"))
        #expect(!FileManager.default.fileExists(atPath: copy + "/bin/drop-me"))
        #expect(!FileManager.default.fileExists(atPath: copy + "/handlers/debug.log"))
        #expect(FileManager.default.fileExists(atPath: copy + "/metadata.yaml"))
    }
}

@Suite("Hook records")
struct HookRecordTests {
    @Test("history records each hook's wall time and the hook tools it ran, in order")
    func durationAndToolCalls() throws {
        let sim = try SimHarness(handlers: [
            "update-status": "config-get >/dev/null; is-leader >/dev/null; status-get >/dev/null"
        ])
        try sim.deploy()
        try sim.sim("update-status")
        let last = try #require(try sim.history().last)
        #expect(last["hook"] as? String == "update-status")
        #expect(last["tool-calls"] as? [String] == ["config-get", "is-leader", "status-get"])
        let duration = try #require(last["duration-ms"] as? Double)
        #expect(duration > 0 && duration < 60_000)
    }
}
