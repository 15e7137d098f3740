import Foundation
import Testing

@Suite("Machines: each unit's address, environment and command prefix from set-machine", .serialized)
struct MachineTests {
    @Test("set-machine: units take the machine's address, environment (Juju's own win) and command prefix")
    func unitsRunOnTheirMachines() throws {
        let sim = try SimHarness.recording()
        try sim.write(
            """
            address: 10.1.0.10
            environment: {PLACE: machine-0, JUJU_UNIT_NAME: not-this}
            command-prefix: [/usr/bin/env, WRAPPED=yes]
            """,
            to: sim.root + "/m0.yaml"
        )
        try sim.write("address: 10.1.0.11\nenvironment: {PLACE: machine-1}\n", to: sim.root + "/m1.yaml")
        try sim.ok("set-machine", "0", sim.root + "/m0.yaml")
        try sim.ok("set-machine", "1", sim.root + "/m1.yaml")
        try sim.deploy("--unit-count", "2")
        let lines = [
            "unit-get private-address", "unit-get public-address", "network-get peer --ingress-address",
            "echo \"$PLACE\"", "echo \"${WRAPPED:-no}\"", "echo \"$JUJU_UNIT_NAME\"", "pwd",
        ]
        let first = try sim.tools(lines, unit: "demo/0").map(\.stdout)
        #expect(
            first == [
                "10.1.0.10\n", "10.1.0.10\n", "10.1.0.10\n", "machine-0\n", "yes\n", "demo/0\n",
                sim.unitCharm("demo/0") + "\n",
            ]
        )
        let second = try sim.tools(lines, unit: "demo/1").map(\.stdout)
        #expect(
            Array(second.prefix(6)) == ["10.1.0.11\n", "10.1.0.11\n", "10.1.0.11\n", "machine-1\n", "no\n", "demo/1\n"]
        )
        // Peers see each unit's own address in its seeded databag.
        let data = try #require(try sim.json("relation-data", "0") as? [String: Any])
        let bags = try #require(data["unit-data"] as? [String: [String: String]])
        #expect(bags["demo/0"]?["private-address"] == "10.1.0.10")
        #expect(bags["demo/1"]?["private-address"] == "10.1.0.11")
        // A unit added later lands on a machine of its own number.
        try sim.write("address: 10.1.0.12\n", to: sim.root + "/m2.yaml")
        try sim.ok("set-machine", "2", sim.root + "/m2.yaml")
        #expect(try sim.ok("add-unit") == "demo/2\n")
        #expect(try sim.tool("unit-get private-address", unit: "demo/2").stdout == "10.1.0.12\n")
    }

    @Test("set-machine refuses a machine that hosts a unit, a relative prefix and unknown settings")
    func refusals() throws {
        let sim = try SimHarness.recording()
        try sim.deploy()
        try sim.write("address: 10.1.0.10\n", to: sim.root + "/m0.yaml")
        let taken = try sim.sim("set-machine", "0", sim.root + "/m0.yaml")
        #expect(taken.code == 1)
        #expect(taken.stderr.contains("machine 0 already hosts demo/0"))
        try sim.write("command-prefix: [env, X=1]\n", to: sim.root + "/bad.yaml")
        let relative = try sim.sim("set-machine", "5", sim.root + "/bad.yaml")
        #expect(relative.code == 1)
        #expect(relative.stderr.contains("absolute path"))
        try sim.write("adress: 10.1.0.10\n", to: sim.root + "/typo.yaml")
        let typo = try sim.sim("set-machine", "5", sim.root + "/typo.yaml")
        #expect(typo.stderr.contains("unknown machine setting \"adress\""))
        #expect(try sim.tool("unit-get private-address").stdout == "127.0.0.1\n")
    }
}
