import Foundation
import Testing

@Suite("Hook tool grammar, output formats and exit codes", .serialized)
struct ToolGrammarTests {
    @Test("config-get: key, --all, json/smart of nil, bool, int and float")
    func configGet() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools([
            "config-get --format=json",
            "config-get --format json port",
            "config-get port",
            "config-get secret",
            "config-get secret --format=json",
            "config-get -a --format=json",
            "config-get --all port",
            "config-get debug",
            "config-get ratio --format=json",
            "config-get name",
            "config-get name --format=json",
            "config-get a b",
            "config-get --format=yaml",
        ])
        #expect(runs[0].stdout == "{\"debug\":false,\"name\":\"\",\"port\":5000,\"ratio\":1}\n")
        #expect(runs[1].stdout == "5000\n")
        #expect(runs[2].stdout == "5000\n")
        #expect(runs[3].stdout == "" && runs[3].code == 0)
        #expect(runs[4].stdout == "null\n")
        #expect(runs[5].stdout == "{\"debug\":false,\"name\":\"\",\"port\":5000,\"ratio\":1,\"secret\":null}\n")
        #expect(runs[6].code == 2)
        #expect(runs[6].stderr == "ERROR cannot use argument --all together with key \"port\"\n")
        #expect(runs[7].stdout == "False\n")
        #expect(runs[8].stdout == "1\n")
        #expect(runs[9].stdout == "" && runs[9].code == 0)
        #expect(runs[10].stdout == "\"\"\n")
        #expect(runs[11].code == 2 && runs[11].stderr == "ERROR unrecognized args: [\"b\"]\n")
        #expect(runs[12].stdout == "debug: false\nname: \"\"\nport: 5000\nratio: 1\n")
    }

    @Test("gnuflag forms: -r3, -r 3, -r=3, --relation=ep:N, interspersed, --, unknown flags, -h, bad format")
    func flagForms() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools([
            "relation-list -r0 --app",
            "relation-list -r 0 --app",
            "relation-list -r=0 --app",
            "relation-list --relation=peer:0 --app --format=json",
            "relation-list --app -r anything:0",
            "relation-ids peer --format=json",
            "relation-list -r peer:99",
            "relation-list --foo",
            "config-get -h",
            "config-get --format=xml",
            "juju-log -- -starts-with-dash",
            "relation-list",
            "relation-ids",
            "relation-list --format",
            "status-set --application=False active -- --ready",
            "relation-list -r x:y",
        ])
        for index in 0..<3 { #expect(runs[index].stdout == "demo\n", "run \(index): \(runs[index].stderr)") }
        #expect(runs[3].stdout == "\"demo\"\n")
        #expect(runs[4].stdout == "demo\n")
        #expect(runs[5].stdout == "[\"peer:0\"]\n")
        #expect(
            runs[6].code == 2 && runs[6].stderr == "ERROR invalid value \"peer:99\" for flag -r: relation not found\n"
        )
        #expect(runs[7].code == 2 && runs[7].stderr == "ERROR flag provided but not defined: --foo\n")
        #expect(runs[8].code == 0 && runs[8].stdout.hasPrefix("Usage: config-get"))
        #expect(runs[9].code == 2)
        #expect(runs[10].code == 0)
        #expect(runs[11].code == 2 && runs[11].stderr == "ERROR no relation id specified\n")
        #expect(runs[12].code == 2 && runs[12].stderr == "ERROR no endpoint name specified\n")
        #expect(runs[13].code == 2 && runs[13].stderr.contains("flag needs an argument"))
        #expect(runs[14].code == 0)
        #expect(runs[15].code == 2)
        let log = try #require(try sim.json("log") as? [[String: Any]])
        #expect(log.contains { ($0["message"] as? String) == "-starts-with-dash" })
        let status = try #require(try sim.json("status") as? [String: Any])
        let units = (status["application"] as? [String: Any])?["units"] as? [String: Any]
        let workload = (units?["demo/0"] as? [String: Any])?["workload-status"] as? [String: Any]
        #expect(workload?["message"] as? String == "--ready")
    }

    @Test("is-leader prints True/False in smart and true/false in json")
    func isLeader() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        let leader = try sim.tools(["is-leader", "is-leader --format=json"])
        let follower = try sim.tools(["is-leader", "is-leader --format=json"], unit: "demo/1")
        #expect(leader.map(\.stdout) == ["True\n", "true\n"])
        #expect(follower.map(\.stdout) == ["False\n", "false\n"])
    }

    @Test("-o FILE writes the output to a file instead of stdout")
    func outputFile() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let run = try sim.tool("config-get port -o out.txt && cat out.txt")
        #expect(run.stdout == "5000\n")
        #expect(sim.read(sim.unitCharm() + "/out.txt") == "5000\n")
    }

    @Test("status-set/status-get: validation, leader rules, include-data and application view")
    func status() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        let runs = try sim.tools([
            "status-set bogus",
            "status-set",
            "status-set active a b",
            "status-set active ready",
            "status-get",
            "status-get --include-data --format=json",
            "status-set --application blocked 'needs db'",
            "status-get --application --include-data --format=json",
            "status-get --format=json",
        ])
        #expect(runs[0].code == 2)
        #expect(
            runs[0].stderr == "ERROR invalid status \"bogus\", expected one of [maintenance blocked waiting active]\n"
        )
        #expect(runs[1].code == 2 && runs[1].stderr == "ERROR invalid args, require <status> [message]\n")
        #expect(runs[2].code == 2)
        #expect(runs[4].stdout == "active\n")
        #expect(runs[5].stdout == "{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}\n")
        #expect(runs[6].code == 0)
        #expect(runs[7].stdout.hasPrefix("{\"application-status\":{\"message\":\"needs db\",\"status\":\"blocked\""))
        #expect(
            runs[7].stdout.contains(
                "\"units\":{\"demo/0\":{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}"
            )
        )
        #expect(runs[8].stdout == "{\"status\":\"active\"}\n")
        let follower = try sim.tools(
            [
                "status-set --application active x", "status-get --application",
                "status-set --application=false active",
            ],
            unit: "demo/1"
        )
        #expect(follower[0].code == 1 && follower[0].stderr == "ERROR this unit is not the leader\n")
        #expect(follower[1].code == 1)
        #expect(follower[1].stderr == "ERROR finding application status: this unit is not the leader\n")
        #expect(follower[2].code == 0)
    }

    @Test("juju-log: levels, missing message, invalid level falls back to INFO, relation prefix")
    func jujuLog() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools([
            "juju-log", "juju-log -l ERROR boom", "juju-log --log-level=bogus still logged", "juju-log --debug dbg",
        ])
        #expect(runs[0].code == 2 && runs[0].stderr == "ERROR no message specified\n")
        #expect(runs[1].code == 0 && runs[2].code == 0)
        #expect(runs[2].stderr.contains("WARNING"))
        let prefixed = try sim.tools(["juju-log in relation"], hook: "peer-relation-created")
        #expect(prefixed[0].code == 0)
        let log = try #require(try sim.json("log") as? [[String: Any]])
        let lines = log.map { "\($0["level"] ?? "") \($0["message"] ?? "")" }
        #expect(lines.contains("ERROR boom"))
        #expect(lines.contains("INFO still logged"))
        #expect(lines.contains("DEBUG dbg"))
        #expect(lines.contains("INFO peer:0: in relation"))
    }

    @Test("ports: open/close buffered, opened-ports hides this hook's opens, invalid specs are usage errors")
    func ports() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let first = try sim.tools([
            "open-port 80", "open-port 8000-8080/UDP", "open-port icmp", "opened-ports", "open-port 99999",
            "open-port", "open-port --endpoints website 443/tcp",
        ])
        #expect(first[3].stdout == "")
        #expect(first[4].code == 2)
        #expect(first[5].code == 2 && first[5].stderr == "ERROR no port or range specified\n")
        let second = try sim.tools([
            "opened-ports", "opened-ports --endpoints", "close-port 80/tcp", "opened-ports --format=json",
        ])
        #expect(second[0].stdout == "icmp\n80/tcp\n443/tcp\n8000-8080/udp\n")
        #expect(second[1].stdout.contains("443/tcp (website)") && second[1].stdout.contains("80/tcp (*)"))
        #expect(second[3].stdout == "[\"icmp\",\"80/tcp\",\"443/tcp\",\"8000-8080/udp\"]\n")
        let third = try sim.tool("opened-ports --format=json")
        #expect(third.stdout == "[\"icmp\",\"443/tcp\",\"8000-8080/udp\"]\n")
    }

    @Test("unit-get and network-get: addresses, single-flag scalars, errors")
    func addresses() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools([
            "unit-get private-address", "unit-get bogus", "unit-get", "network-get website --ingress-address",
            "network-get nope", "network-get", "network-get public --format=json",
            "network-get website --ingress-address --egress-subnets --format=json",
        ])
        #expect(runs[0].stdout == "127.0.0.1\n")
        #expect(runs[1].code == 2 && runs[1].stderr == "ERROR unknown setting \"bogus\"\n")
        #expect(runs[2].code == 2 && runs[2].stderr == "ERROR no setting specified\n")
        #expect(runs[3].stdout == "127.0.0.1\n")
        #expect(runs[4].code == 1 && runs[4].stderr == "ERROR no network config found for binding \"nope\"\n")
        #expect(runs[5].code == 2)
        let full = try #require(
            try JSONSerialization.jsonObject(with: Data(runs[6].stdout.utf8)) as? [String: Any]
        )
        #expect(full["ingress-addresses"] as? [String] == ["127.0.0.1"])
        #expect(full["egress-subnets"] as? [String] == ["127.0.0.1/32"])
        #expect((full["bind-addresses"] as? [[String: Any]])?.first?["interface-name"] != nil)
        #expect(runs[7].stdout == "{\"egress-subnets\":[\"127.0.0.1/32\"],\"ingress-address\":\"127.0.0.1\"}\n")
    }

    @Test("state-get/state-set/state-delete: typed-nil map, missing keys, --strict, committed on success")
    func unitState() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let first = try sim.tools([
            "state-get --format=json", "state-get", "state-get missing --format=json", "state-get missing --strict",
            "state-set a=1 b=two", "state-get a", "echo 'c: 3' | state-set --file -", "state-get --format=json",
            "state-set nope", "state-set k=1 k=2",
        ])
        #expect(first[0].stdout == "null\n")
        #expect(first[1].stdout == "{}\n")
        #expect(first[2].stdout == "\"\"\n")
        #expect(first[3].code == 1 && first[3].stderr == "ERROR \"missing\" not found\n")
        #expect(first[5].stdout == "1\n")
        #expect(first[7].stdout == "{\"a\":\"1\",\"b\":\"two\",\"c\":\"3\"}\n")
        #expect(first[8].code == 2 && first[8].stderr == "ERROR expected \"key=value\", got \"nope\"\n")
        #expect(first[9].code == 2 && first[9].stderr == "ERROR key \"k\" specified more than once\n")
        let second = try sim.tools(["state-get b", "state-delete b", "state-delete never", "state-get --format=json"])
        #expect(second[0].stdout == "two\n")
        #expect(second[3].stdout == "{\"a\":\"1\",\"c\":\"3\"}\n")
    }

    @Test("leader-get/leader-set: leader only, immediate, non-leaders get leader-settings-changed")
    func leaderSettings() throws {
        let sim = try SimHarness()
        try sim.deploy("--unit-count", "2")
        let before = try sim.hooks(unit: "demo/1").filter { $0 == "leader-settings-changed" }.count
        let leader = try sim.tools([
            "leader-set token=abc", "leader-get token", "leader-get --format=json", "leader-get a=b",
        ])
        #expect(leader[1].stdout == "abc\n")
        #expect(leader[2].stdout == "{\"token\":\"abc\"}\n")
        #expect(leader[3].code == 2)
        let after = try sim.hooks(unit: "demo/1").filter { $0 == "leader-settings-changed" }.count
        #expect(after == before + 1)
        let follower = try sim.tools(["leader-set x=1", "leader-get token"], unit: "demo/1")
        #expect(follower[0].code == 1 && follower[0].stderr.hasPrefix("ERROR cannot write leadership settings"))
        #expect(follower[1].stdout == "abc\n")
    }

    @Test("goal-state, credential-get, juju-reboot, application-version-set")
    func miscellaneous() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools([
            "goal-state --format=json", "credential-get", "juju-reboot", "application-version-set",
            "application-version-set 2.8.3", "goal-state --format=smart",
        ])
        let goal = try #require(try JSONSerialization.jsonObject(with: Data(runs[0].stdout.utf8)) as? [String: Any])
        #expect((goal["units"] as? [String: Any])?["demo/0"] != nil)
        #expect(runs[1].code == 1 && runs[1].stderr.hasPrefix("ERROR cannot access cloud credentials"))
        #expect(runs[2].code == 0)
        #expect(runs[3].code == 2 && runs[3].stderr == "ERROR no version specified\n")
        #expect(runs[5].code == 2)
        let status = try #require(try sim.json("status") as? [String: Any])
        #expect((status["application"] as? [String: Any])?["version"] as? String == "2.8.3")
    }

    @Test("action tools outside an action fail with 'not running an action'")
    func actionToolsOutsideAction() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let runs = try sim.tools(["action-get", "action-set a=1", "action-fail", "action-log hi"])
        for run in runs {
            #expect(run.code == 1 && run.stderr == "ERROR not running an action\n")
        }
    }

    @Test("a wrong JUJU_CONTEXT_ID is refused with 'bad request: bad context' (exit 1)")
    func badContext() throws {
        let sim = try SimHarness()
        try sim.deploy()
        let run = try sim.tool("JUJU_CONTEXT_ID=forged config-get port; config-get port")
        #expect(run.code == 0)
        #expect(run.stderr == "ERROR bad request: bad context\n")
        #expect(run.stdout == "5000\n")
        let outside = try SimHarness.run(
            sim.state + "/tools/unit-demo-0/config-get",
            ["port"],
            directory: sim.root,
            environment: [
                "JUJU_CONTEXT_ID": "demo/0-x-1",
                "JUJU_AGENT_SOCKET_ADDRESS": "@\(sim.state)/agents/unit-demo-0/agent.socket",
            ]
        )
        #expect(outside.code == 1 && outside.stderr == "ERROR bad request: bad context\n")
    }
}
