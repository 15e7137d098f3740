import Foundation
import Testing

@Suite("Actions: parameter validation, defaults, results and failure", .serialized)
struct ActionTests {
    private func deployed(_ handler: String) throws -> SimHarness {
        let sim = try SimHarness(handlers: ["push": handler])
        try sim.deploy()
        return sim
    }

    private func task(_ result: RunResult) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["demo/0"] as? [String: Any])
    }

    @Test("defaults are inserted and k=v values are YAML-typed (pull=false is a bool)")
    func defaultsAndCoercion() throws {
        let sim = try deployed("action-get --format=json > ../params; action-get pull > ../pull")
        let result = try sim.sim("run", "push", "image=busybox", "pull=false", "--format", "json")
        #expect(result.code == 0, "\(result.stderr)")
        let agent = sim.state + "/agents/unit-demo-0"
        #expect(sim.read(agent + "/params") == "{\"count\":1,\"image\":\"busybox\",\"mode\":\"fast\",\"pull\":false}\n")
        #expect(sim.read(agent + "/pull") == "False\n")
        let task = try task(result)
        #expect(task["status"] as? String == "completed")
        #expect((task["results"] as? [String: Any])?["return-code"] as? Int == 0)
    }

    @Test("validation failures run no process: unknown key, wrong type, missing required, enum, minimum")
    func validation() throws {
        let sim = try deployed("touch ../ran")
        let cases: [[String]] = [
            ["run", "push", "image=x", "bogus=1"],
            ["run", "push", "image=x", "count=abc"],
            ["run", "push", "pull=true"],
            ["run", "push", "image=x", "mode=medium"],
            ["run", "push", "image=x", "count=0"],
            ["run", "nosuch"],
        ]
        for arguments in cases {
            let result = try sim.simArgs(arguments)
            #expect(result.code != 0, "\(arguments) should fail")
            #expect(result.stderr.hasPrefix("ERROR "), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: sim.state + "/agents/unit-demo-0/ran"))
        #expect(try sim.sim("run", "push", "image=x", "bogus=1").stderr.contains("bogus"))
        #expect(try sim.sim("run", "push", "pull=true").stderr.contains("image is required"))
    }

    @Test("action environment: JUJU_ACTION_* set, JUJU_HOOK_NAME present but empty, dispatch path actions/<name>")
    func environment() throws {
        let sim = try deployed("env > ../action-env")
        #expect(try sim.sim("run", "push", "image=x").code == 0)
        let lines = Set(sim.read(sim.state + "/agents/unit-demo-0/action-env").split(separator: "\n").map(String.init))
        #expect(lines.contains("JUJU_HOOK_NAME="))
        #expect(lines.contains("JUJU_ACTION_NAME=push"))
        #expect(lines.contains("JUJU_ACTION_UUID=2"))
        #expect(lines.contains("JUJU_ACTION_TAG=action-2"))
        #expect(lines.contains("JUJU_DISPATCH_PATH=actions/push"))
    }

    @Test("action-fail then exit 0: status failed, CLI exits 0, results and state writes committed")
    func actionFailExitZero() throws {
        let sim = try deployed(
            "action-set out.size=3 out.name=img; state-set pushed=1; action-log copying; action-fail 'registry down'; echo done"
        )
        let result = try sim.sim("run", "push", "image=x", "--format", "json")
        #expect(result.code == 0)
        let task = try task(result)
        #expect(task["status"] as? String == "failed")
        #expect(task["message"] as? String == "registry down")
        let results = try #require(task["results"] as? [String: Any])
        #expect((results["out"] as? [String: String]) == ["size": "3", "name": "img"])
        #expect(results["return-code"] as? Int == 0)
        #expect(results["stdout"] as? String == "done\n")
        #expect((task["log"] as? [String])?.first?.hasSuffix(" copying") == true)
        #expect(try sim.tool("state-get pushed").stdout == "1\n")
    }

    @Test("non-zero exit: status failed with 'exit status N', CLI exits 1, state writes discarded")
    func nonZeroExit() throws {
        let sim = try deployed("state-set pushed=1; echo oops >&2; exit 4")
        let result = try sim.sim("run", "push", "image=x", "--format", "yaml")
        #expect(result.code == 1)
        #expect(result.stdout.contains("message: exit status 4\n"))
        #expect(result.stdout.contains("return-code: 4\n"))
        #expect(result.stdout.contains("stderr: |\n      oops\n"))
        #expect(result.stdout.contains("status: failed\n"))
        #expect(result.stdout.hasPrefix("demo/0:\n  id: \"2\"\n"))
        #expect(try sim.tool("state-get pushed --format=json").stdout == "\"\"\n")
    }

    @Test("action-set key rules and action-get dotted paths")
    func actionSetRules() throws {
        let sim = try deployed(
            """
            action-set stdout=x 2> ../e1; echo $? >> ../codes
            action-set Bad=x 2> ../e2; echo $? >> ../codes
            action-set novalue 2> ../e3; echo $? >> ../codes
            action-set a.b-c=1 a.d=2; echo $? >> ../codes
            action-get image > ../image
            """
        )
        let result = try sim.sim("run", "push", "image=reg/x", "--format", "json")
        #expect(result.code == 0)
        let agent = sim.state + "/agents/unit-demo-0"
        #expect(sim.read(agent + "/codes") == "2\n2\n2\n0\n")
        #expect(sim.read(agent + "/e1") == "ERROR cannot set reserved action key \"stdout\"\n")
        #expect(sim.read(agent + "/e2").hasPrefix("ERROR key \"Bad\" must start and end with lowercase alphanumeric"))
        #expect(sim.read(agent + "/e3") == "ERROR argument \"novalue\" must be of the form key...=value\n")
        #expect(sim.read(agent + "/image") == "reg/x\n")
        let results = try #require(try task(result)["results"] as? [String: Any])
        #expect((results["a"] as? [String: String]) == ["b-c": "1", "d": "2"])
    }

    @Test("actions still run while the unit is in hook error; juju-reboot is refused in actions")
    func actionsDuringError() throws {
        let sim = try deployed("juju-reboot 2> ../reboot-err; echo $? > ../reboot-code")
        try sim.setHandler("update-status", "exit 1")
        #expect(try sim.sim("update-status").code == 1)
        let result = try sim.sim("run", "push", "image=x")
        #expect(result.code == 0)
        let agent = sim.state + "/agents/unit-demo-0"
        #expect(sim.read(agent + "/reboot-code") == "1\n")
        #expect(sim.read(agent + "/reboot-err") == "ERROR juju-reboot is not supported when running an action.\n")
    }

    @Test("the model keeps each action process's wall time and hook tools; the task report shows neither")
    func durationAndToolCalls() throws {
        let sim = try deployed("action-get image >/dev/null; action-log copying; action-set digest=sha256:1")
        let result = try sim.sim("run", "push", "image=x", "--format", "json")
        #expect(result.code == 0)
        let data = try #require(FileManager.default.contents(atPath: sim.state + "/model.json"))
        let model = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let record = try #require((model["actions"] as? [[String: Any]])?.last)
        #expect(record["toolCalls"] as? [String] == ["action-get", "action-log", "action-set"])
        let duration = try #require(record["durationMilliseconds"] as? Double)
        #expect(duration > 0 && duration < 60_000)
        let task = try task(result)
        #expect(task["durationMilliseconds"] == nil && task["toolCalls"] == nil)
        #expect(Set(task.keys) == ["id", "log", "results", "status", "timing", "unit"])
    }

    @Test("plain output prints results without return-code, then stdout")
    func plainOutput() throws {
        let sim = try deployed("action-set digest=sha256:1; echo pushed")
        let result = try sim.sim("run", "push", "image=x")
        #expect(result.code == 0)
        #expect(result.stdout == "digest: sha256:1\npushed\n")
    }
}
