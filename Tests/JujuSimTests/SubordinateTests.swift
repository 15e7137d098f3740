import Foundation
import Testing

@Suite("Container-scoped relations and relation data files", .serialized)
struct SubordinateTests {
    @Test("container scope: each principal sees only its own subordinate; add-unit adds one, remove-unit removes it")
    func subordinates() throws {
        let sim = try SimHarness.recording(peers: false)
        try sim.deploy("--unit-count", "2")
        let start = sim.events().count
        #expect(try sim.ok("relate", "nrpe-external-master", "nrpe") == "0\n")
        for number in 0...1 {
            #expect(
                sim.events(of: "demo/\(number)", from: start) == [
                    "nrpe-external-master-relation-created remote= list=",
                    "nrpe-external-master-relation-joined remote=nrpe/\(number) list=nrpe/\(number)",
                    "nrpe-external-master-relation-changed remote=nrpe/\(number) list=nrpe/\(number)",
                ]
            )
        }
        let seen = try sim.tools(
            [
                "relation-get -r 0 - nrpe/0 --format=json", "relation-get -r 0 - nrpe/1", "relation-list -r 0",
                "goal-state --format=json",
            ]
        )
        #expect(seen[0].code == 0 && seen[0].stdout.contains("private-address"))
        #expect(seen[1].code == 1)
        #expect(seen[2].stdout == "nrpe/0\n")
        let goal = try #require(try JSONSerialization.jsonObject(with: Data(seen[3].stdout.utf8)) as? [String: Any])
        let endpoint = (goal["relations"] as? [String: Any])?["nrpe-external-master"] as? [String: Any]
        #expect(endpoint.map { Set($0.keys) } == ["nrpe", "nrpe/0"])

        let added = sim.events().count
        #expect(try sim.ok("add-unit") == "demo/2\n")
        #expect(
            Array(sim.events(of: "demo/2", from: added).suffix(2)) == [
                "nrpe-external-master-relation-joined remote=nrpe/2 list=nrpe/2",
                "nrpe-external-master-relation-changed remote=nrpe/2 list=nrpe/2",
            ]
        )
        #expect(sim.events(of: "demo/0", from: added).isEmpty && sim.events(of: "demo/1", from: added).isEmpty)

        let removed = sim.events().count
        try sim.ok("remove-unit", "demo/1")
        #expect(
            sim.events(of: "demo/1", from: removed) == [
                "nrpe-external-master-relation-departed remote=nrpe/1 departing=demo/1 list=",
                "nrpe-external-master-relation-broken remote= list=", "stop", "remove",
            ]
        )
        #expect(sim.events().count == removed + 4)
        let data = try #require(try sim.json("relation-data", "0") as? [String: Any])
        #expect(data["scope"] as? String == "container")
        #expect(data["remote-units"] as? [String] == ["nrpe/0", "nrpe/2"])
        #expect(data["remote-members"] as? [String: [String]] == ["nrpe/0": ["demo/0"], "nrpe/2": ["demo/2"]])
    }

    @Test("--scope container on a global endpoint, and --units refused for container scope")
    func scopeFlag() throws {
        let sim = try SimHarness.recording(peers: false)
        try sim.deploy("--unit-count", "2")
        let units = try sim.sim("relate", "nrpe-external-master", "nrpe", "--units", "2")
        #expect(units.code == 1 && units.stderr.contains("--units does not apply"))
        let global = try sim.sim("relate", "nrpe-external-master", "nrpe", "--scope", "global")
        #expect(global.code == 1 && global.stderr.contains("container-scoped"))
        #expect(try sim.ok("relate", "db", "sub", "--scope", "container") == "0\n")
        #expect(try sim.tool("relation-list -r 0", unit: "demo/1").stdout == "sub/1\n")
    }

    @Test("--unit-data: a per-unit file gives each remote unit its own map; multi-line PEM round-trips byte-exact")
    func perUnitData() throws {
        let sim = try SimHarness.recording(peers: false)
        try sim.deploy()
        let ca = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\nQUJD+/=\n-----END CERTIFICATE-----\n"
        let cert = "-----BEGIN CERTIFICATE-----\nMIIC0DCCAbigAwIBAgIR\n-----END CERTIFICATE-----"
        try sim.write(
            """
            easyrsa/0:
              ca: |
                -----BEGIN CERTIFICATE-----
                MIIBszCCAVmgAwIBAgIU
                QUJD+/=
                -----END CERTIFICATE-----
              docker-registry_0.server.cert: |-
                -----BEGIN CERTIFICATE-----
                MIIC0DCCAbigAwIBAgIR
                -----END CERTIFICATE-----
            easyrsa/1:
              role: "1"

            """,
            to: sim.root + "/units.yaml"
        )
        #expect(try sim.ok("relate", "db", "easyrsa", "--unit-data", sim.root + "/units.yaml") == "0\n")
        let runs = try sim.tools([
            "relation-get -r 0 --format=json - easyrsa/0", "relation-get -r 0 --format=json - easyrsa/1",
            "relation-list -r 0",
        ])
        let first = try #require(try JSONSerialization.jsonObject(with: Data(runs[0].stdout.utf8)) as? [String: String])
        #expect(first["ca"] == ca)
        #expect(first["docker-registry_0.server.cert"] == cert)
        #expect(first["role"] == nil)
        let second = try #require(
            try JSONSerialization.jsonObject(with: Data(runs[1].stdout.utf8)) as? [String: String]
        )
        #expect(second["role"] == "1" && second["ca"] == nil && second["private-address"] != nil)
        #expect(runs[2].stdout == "easyrsa/0\neasyrsa/1\n")

        let key = "-----BEGIN PRIVATE KEY-----\r\nabc\n\n  indented \"quoted\" \\ tail\n-----END PRIVATE KEY-----\n"
        let file = try JSONSerialization.data(withJSONObject: ["docker-registry_0.server.key": key])
        try file.write(to: URL(fileURLWithPath: sim.root + "/key.yaml"))
        try sim.ok("set-relation-data", "0", "easyrsa/1", sim.root + "/key.yaml")
        let read = try sim.tools(["relation-get -r 0 --format=json docker-registry_0.server.key easyrsa/1"])
        #expect(
            try JSONSerialization.jsonObject(with: Data(read[0].stdout.utf8), options: .fragmentsAllowed) as? String
                == key
        )
    }

    @Test("--unit-data: a plain map goes to every remote unit (and later subordinates); mixed or foreign files fail")
    func plainAndInvalidData() throws {
        let sim = try SimHarness.recording(peers: false)
        try sim.deploy("--unit-count", "2")
        try sim.write("nagios_hostname: host-a\n", to: sim.root + "/plain.yaml")
        try sim.ok("relate", "nrpe-external-master", "nrpe", "--unit-data", sim.root + "/plain.yaml")
        try sim.ok("add-unit")
        for number in 0...2 {
            let run = try sim.tool("relation-get -r 0 nagios_hostname nrpe/\(number)", unit: "demo/\(number)")
            #expect(run.stdout == "host-a\n", "nrpe/\(number)")
        }
        try sim.write("pg/0: {a: \"1\"}\nb: \"2\"\n", to: sim.root + "/mixed.yaml")
        let mixed = try sim.sim("relate", "db", "pg", "--unit-data", sim.root + "/mixed.yaml")
        #expect(mixed.code == 1 && mixed.stderr.contains("mixes per-unit maps with plain keys [\"b\"]"))
        try sim.write("other/0: {a: \"1\"}\n", to: sim.root + "/foreign.yaml")
        let foreign = try sim.sim("relate", "db", "pg", "--unit-data", sim.root + "/foreign.yaml")
        #expect(foreign.code == 1 && foreign.stderr.contains("unit \"other/0\" is not a unit of \"pg\""))
        try sim.write("pg/3: {a: \"1\"}\n", to: sim.root + "/beyond.yaml")
        let beyond = try sim.sim("relate", "db", "pg", "--units", "2", "--unit-data", sim.root + "/beyond.yaml")
        #expect(beyond.code == 1 && beyond.stderr.contains("\"pg/3\", which is not a unit of this relation"))
    }

    @Test("help lists every command with its usage")
    func help() throws {
        let sim = try SimHarness()
        let help = try sim.sim("help")
        for usage in [
            "add-unit [--count N]", "remove-unit <unit> [<unit>…]", "set-leader <unit> | set-leader true|false",
            "[--scope global|container]", "relate <endpoint> <remote-app>", "remove\n",
        ] {
            #expect(help.stdout.contains(usage), "\(usage)")
        }
    }
}
