import JujuKit
import JujuKitTesting
import Testing

@Suite("Process hook tools: argv, stdin and output parsing")
struct ProcessHookToolsTests {
    @Test("getters ask for JSON and parse it")
    func getters() async throws {
        let runner = FakeCommandRunner()
        runner.on("config-get", result: CommandResult(standardOutput: #"{"a":"x","n":5,"b":true}"# + "\n"))
        runner.on("is-leader", result: CommandResult(standardOutput: "true\n"))
        runner.on("state-get", result: CommandResult(standardOutput: "null\n"))
        // Later rules win: the general one first, the --app one after it.
        runner.on("relation-list", result: CommandResult(standardOutput: #"["haproxy/1","haproxy/0"]"#))
        runner.on(
            "relation-list",
            ["--format=json", "-r", "website:1", "--app"],
            result: CommandResult(standardOutput: #""haproxy""#)
        )
        let tools = ProcessHookTools(runner: runner)
        #expect(try await tools.configGet() == ["a": "x", "n": 5, "b": true])
        #expect(try await tools.isLeader())
        #expect(try await tools.stateGet() == [:])
        #expect(try await tools.relationApplication(relationID: "website:1") == "haproxy")
        #expect(try await tools.relationUnits(relationID: "website:1") == ["haproxy/1", "haproxy/0"])
        #expect(runner.lines(of: "config-get") == ["config-get --format=json"])
    }

    @Test("relation-set and state-set send JSON on stdin, never values on argv")
    func payloadsOnStdin() async throws {
        let runner = FakeCommandRunner()
        let tools = ProcessHookTools(runner: runner)
        try await tools.relationSet(
            relationID: "docker-registry:4",
            application: false,
            values: ["basic_password": "\"s3cr:et\"", "tls_ca": nil]
        )
        try await tools.stateSet(["charm-state": "{\"flags\":[]}"])
        let relationSet = try #require(runner.commands.first)
        #expect(relationSet.arguments == ["-r", "docker-registry:4", "--file", "-"])
        #expect(!relationSet.description.contains("s3cr"))
        let payload = String(decoding: relationSet.input ?? [], as: UTF8.self)
        #expect(payload == #"{"basic_password":"\"s3cr:et\"","tls_ca":""}"#)
        #expect(runner.commands[1].arguments == ["--file", "-"])
    }

    @Test("free text goes after --")
    func freeText() async throws {
        let runner = FakeCommandRunner()
        let tools = ProcessHookTools(runner: runner)
        try await tools.statusSet(.blocked("-x looks like a flag"), application: false)
        try await tools.jujuLog("--help", level: .warning)
        try await tools.actionFail("No image name(s) specified.")
        #expect(
            runner.commands.map(\.arguments) == [
                ["--application=False", "blocked", "--", "-x looks like a flag"],
                ["--log-level", "WARNING", "--", "--help"],
                ["--", "No image name(s) specified."],
            ]
        )
    }

    @Test("a tool's non-zero exit becomes a typed error with its message")
    func failures() async {
        let runner = FakeCommandRunner()
        runner.on("relation-get", result: CommandResult(exitCode: 2, standardError: "ERROR relation not found\n"))
        runner.on("config-get", result: CommandResult(standardOutput: "not json"))
        let tools = ProcessHookTools(runner: runner)
        await #expect(
            throws: HookToolError.failed(tool: "relation-get", exitCode: 2, message: "ERROR relation not found\n")
        ) {
            _ = try await tools.relationGet(relationID: "x:9", member: "a/0", application: false)
        }
        await #expect(throws: HookToolError.malformedOutput(tool: "config-get", output: "not json")) {
            _ = try await tools.configGet()
        }
    }

    @Test("opened-ports output parses into port ranges")
    func ports() async throws {
        let runner = FakeCommandRunner()
        runner.on("opened-ports", result: CommandResult(standardOutput: #"["5000/tcp","8000-8080/udp","icmp"]"#))
        let ports = try await ProcessHookTools(runner: runner).openedPorts()
        #expect(ports == [PortRange(5000), PortRange(from: 8000, to: 8080, transport: "udp")])
    }
}
