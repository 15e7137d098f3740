import JujuKit
import JujuKitTesting
import Logging
import Testing

@Suite("Secret hook tools: secret-get and its errors, values staged in files, the fake's revision rules")
struct SecretToolsTests {
    private let uri = "secret:d0n1qq3g7sqmbbcokbq0"

    @Test("secret-get asks for JSON, passes --refresh/--peek and --label, and parses the content")
    func secretGet() async throws {
        let runner = FakeCommandRunner()
        runner.on("secret-get", result: CommandResult(standardOutput: #"{"password":"s3cr:et","user":"admin"}"# + "\n"))
        let tools = ProcessHookTools(runner: runner)
        #expect(
            try await tools.secretGet(uri, refresh: false, peek: false) == ["password": "s3cr:et", "user": "admin"]
        )
        _ = try await tools.secretGet(uri, refresh: true, peek: false)
        _ = try await tools.secretGet(label: "db", refresh: false, peek: true)
        #expect(
            runner.lines(of: "secret-get") == [
                "secret-get --format=json \(uri)", "secret-get --format=json \(uri) --refresh",
                "secret-get --format=json --label db --peek",
            ]
        )
    }

    @Test("errors: 'permission denied' is notGranted, 'not found' is notFound, others stay tool errors")
    func secretGetErrors() async {
        let runner = FakeCommandRunner()
        runner.on("secret-get", [], result: CommandResult(exitCode: 1, standardError: "ERROR permission denied\n"))
        runner.on(
            "secret-get",
            ["--format=json", "secret:aaaaaaaaaaaaaaaaaaa0"],
            result: CommandResult(
                exitCode: 1,
                standardError: "ERROR secret \"secret:aaaaaaaaaaaaaaaaaaa0\" not found\n"
            )
        )
        runner.on(
            "secret-get",
            ["--format=json", "bogus"],
            result: CommandResult(exitCode: 2, standardError: "ERROR secret URI \"bogus\" not valid\n")
        )
        runner.on(
            "secret-get",
            ["--format=json", "secret:bbbbbbbbbbbbbbbbbbb0"],
            result: CommandResult(standardOutput: "password: not-json-s3cret\n")
        )
        let tools = ProcessHookTools(runner: runner)
        await #expect(throws: SecretError.notGranted(secret: uri)) {
            _ = try await tools.secretGet(uri, refresh: false, peek: false)
        }
        do {
            _ = try await tools.secretGet("secret:aaaaaaaaaaaaaaaaaaa0", refresh: false, peek: false)
            Issue.record("expected notFound")
        } catch {
            #expect(error.isUnreadable)
            guard case .notFound(let secret, let message) = error else {
                Issue.record("expected notFound, got \(error)")
                return
            }
            #expect(secret == "secret:aaaaaaaaaaaaaaaaaaa0")
            #expect(message == "ERROR secret \"secret:aaaaaaaaaaaaaaaaaaa0\" not found")
        }
        do {
            _ = try await tools.secretGet("bogus", refresh: false, peek: false)
            Issue.record("expected a tool error")
        } catch {
            #expect(!error.isUnreadable)
            #expect(
                error
                    == .tool(
                        .failed(tool: "secret-get", exitCode: 2, message: "ERROR secret URI \"bogus\" not valid\n")
                    )
            )
        }
        do {
            _ = try await tools.secretGet("secret:bbbbbbbbbbbbbbbbbbb0", refresh: false, peek: false)
            Issue.record("expected malformed output")
        } catch {
            #expect(!error.description.contains("s3cret"), "the content never reaches an error message")
            #expect(error == .tool(.malformedOutput(tool: "secret-get", output: "<25 bytes withheld>")))
        }
    }

    @Test("secret-add and secret-set pass values as key#file= in 0600 files of a private directory, removed after")
    func stagedValues() async throws {
        let runner = FakeCommandRunner()
        let files = InMemoryFileSystem()
        let staged = StagedFiles()
        runner.respond { command in
            guard command.executable == "secret-add" || command.executable == "secret-set" else { return nil }
            for argument in command.arguments where argument.contains("#file=") {
                let path = String(argument.split(separator: "=", maxSplits: 1)[1])
                let file = files.files[path]
                staged.add(
                    argument,
                    content: file.map { String(decoding: $0.content, as: UTF8.self) },
                    mode: file?.mode
                )
            }
            return CommandResult(standardOutput: command.executable == "secret-add" ? "secret://uuid/abc\n" : "")
        }
        let tools = ProcessHookTools(runner: runner, files: files, stagingRoot: "/run/test")
        let added = try await tools.secretAdd(
            ["http-secret": "s3cr et\nline", "other-key": "x"],
            label: "http",
            description: "the http secret",
            unitOwned: false
        )
        #expect(added == "secret://uuid/abc")
        try await tools.secretSet(added, content: ["http-secret": "n3w"])
        let add = try #require(runner.commands.first)
        #expect(add.arguments.prefix(4) == ["--label", "http", "--description", "the http secret"])
        #expect(runner.commands.allSatisfy { !$0.description.contains("s3cr") && !$0.description.contains("n3w") })
        #expect(add.arguments[4].hasPrefix("http-secret#file=/run/test/juju-secret-"))
        #expect(staged.contents == ["s3cr et\nline", "x", "n3w"])
        #expect(staged.modes == [.ownerOnly, .ownerOnly, .ownerOnly])
        #expect(files.files.isEmpty, "staged files are removed after the call")
        #expect(runner.commands[1].arguments.first == added)

        await #expect(
            throws: SecretError.tool(
                .failed(tool: "secret-set", exitCode: 2, message: "ERROR key \"../x\" not valid\n")
            )
        ) {
            try await tools.secretSet(added, content: ["../x": "y"])
        }
        #expect(runner.commands.count == 2, "an invalid key never reaches the tool")
    }

    @Test("secret-remove and secret-ids")
    func removeAndIDs() async throws {
        let runner = FakeCommandRunner()
        runner.on("secret-ids", result: CommandResult(standardOutput: #"["d0n1qq3g7sqmbbcokbq0"]"#))
        runner.on("secret-remove", result: CommandResult(exitCode: 1, standardError: "ERROR permission denied\n"))
        let tools = ProcessHookTools(runner: runner)
        #expect(try await tools.secretIDs() == ["d0n1qq3g7sqmbbcokbq0"])
        await #expect(throws: SecretError.notGranted(secret: uri)) { try await tools.secretRemove(uri, revision: 3) }
        #expect(runner.lines(of: "secret-remove") == ["secret-remove \(uri) --revision 3"])
    }

    @Test("fake: a consumer keeps its revision until refresh; peek reads the latest once; ungranted and unknown fail")
    func fakeConsumer() async throws {
        var secret = FakeHookTools.Secret(["password": "one"])
        secret.addRevision(["password": "two"])
        let tools = FakeHookTools()
        tools.update {
            $0.secrets[uri] = FakeHookTools.Secret(["password": "one"])
            $0.secrets["secret:cccccccccccccccccccg"] = FakeHookTools.Secret(["k": "v"], granted: false)
        }
        #expect(try await tools.secretGet(uri, refresh: false, peek: false) == ["password": "one"])
        #expect(tools.model.secrets[uri]?.trackedRevision == 1)
        tools.update { $0.secrets[uri]?.addRevision(["password": "two"]) }
        #expect(try await tools.secretGet(uri, refresh: false, peek: false) == ["password": "one"])
        #expect(try await tools.secretGet(uri, refresh: false, peek: true) == ["password": "two"])
        #expect(
            try await tools.secretGet("secret://0000/d0n1qq3g7sqmbbcokbq0", refresh: false, peek: false)["password"]
                == "one"
        )
        #expect(try await tools.secretGet(uri, refresh: true, peek: false) == ["password": "two"])
        #expect(try await tools.secretGet(uri, refresh: false, peek: false) == ["password": "two"])
        await #expect(throws: SecretError.notGranted(secret: "secret:cccccccccccccccccccg")) {
            _ = try await tools.secretGet("secret:cccccccccccccccccccg", refresh: false, peek: false)
        }
        do {
            _ = try await tools.secretGet("secret:aaaaaaaaaaaaaaaaaaa0", refresh: false, peek: false)
            Issue.record("expected notFound")
        } catch {
            #expect(error.isUnreadable)
        }
        #expect(tools.calls.filter { $0 == "secret-get" }.count == 8)
        #expect(secret.latestRevision == 2)
    }

    @Test("fake: the leader adds and sets an application secret (buffered); a non-leader reads it as a consumer")
    func fakeOwner() async throws {
        let tools = FakeHookTools()
        let added = try await tools.secretAdd(["token": "abc"], label: "http", description: nil, unitOwned: false)
        #expect(try await tools.secretGet(label: "http", refresh: false, peek: false) == ["token": "abc"])
        #expect(tools.model.secrets.isEmpty, "buffered until the hook succeeds")
        tools.finishHook(exitCode: 0)
        #expect(try await tools.secretIDs().count == 1)
        try await tools.secretSet(added, content: ["token": "abc"])
        try await tools.secretSet(added, content: ["token": "xyz"])
        tools.finishHook(exitCode: 0)
        #expect(tools.model.secrets[added]?.revisions == [["token": "abc"], ["token": "xyz"]])

        tools.update { $0.isLeader = false }
        await #expect(
            throws: SecretError.tool(
                .failed(tool: "secret-add", exitCode: 1, message: "ERROR this unit is not the leader")
            )
        ) {
            _ = try await tools.secretAdd(["token": "n"], label: nil, description: nil, unitOwned: false)
        }
        await #expect(throws: SecretError.notGranted(secret: added)) {
            try await tools.secretSet(added, content: ["token": "n"])
        }
        #expect(try await tools.secretGet(added, refresh: false, peek: false) == ["token": "xyz"])
        #expect(try await tools.secretIDs().isEmpty)

        _ = try await tools.secretAdd(["token": "mine"], label: "unit", description: nil, unitOwned: true)
        tools.finishHook(exitCode: 1)
        #expect(tools.model.secrets.count == 1, "a failed hook's secret-add is dropped")
    }

    @Test("HookSession.readSecret registers every value with the hook's secret mask")
    func readSecretMasks() async {
        let uri = self.uri
        let tools = FakeHookTools()
        tools.update { $0.secrets[uri] = FakeHookTools.Secret(["password": "hunter2-long"]) }
        let charm = TestCharm(handlerList: [
            Handler("read") { session in
                let content = try await session.readSecret(uri)
                session.logger.info("read \(content["password"] ?? "")")
            }
        ])
        _ = await dispatch(.unit(.configChanged), charm, tools: tools)
        let logged = tools.model.logs.map(\.message).joined(separator: "\n")
        #expect(logged.contains("read ***"), "\(logged)")
        #expect(!logged.contains("hunter2-long"))
    }
}

/// What the fake runner saw in the staged files, in order.
private final class StagedFiles: @unchecked Sendable {
    private(set) var arguments: [String] = []
    private(set) var contents: [String?] = []
    private(set) var modes: [FileMode?] = []

    func add(_ argument: String, content: String?, mode: FileMode?) {
        arguments.append(argument)
        contents.append(content)
        modes.append(mode)
    }
}
