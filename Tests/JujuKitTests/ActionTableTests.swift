import JujuKitTesting
import Testing

@testable import JujuKit

@Suite("Action framework")
struct ActionTableTests {
    static func table(
        _ run: @escaping (ActionContext<NoHookState>) async throws -> Void,
        needsReady: Bool = true
    ) -> ActionTable<NoHookState> {
        ActionTable(["go": .init(needsReady: needsReady, run)], readyFlag: "ready", notReadyMessage: "Not ready yet.")
    }

    static func tools(_ parameters: [String: JSONValue] = [:], ready: Bool = true) -> FakeHookTools {
        let tools = FakeHookTools()
        tools.update {
            $0.config = [:]
            $0.actionParameters = parameters
            if ready { $0.state = [UnitState.stateKey: UnitState(flags: ["ready"]).encoded()] }
        }
        return tools
    }

    @Test("results go out with one action-set; progress lines through action-log; secrets masked in both")
    func resultsAndLogs() async {
        let tools = Self.tools(["name": "x"])
        let table = Self.table { action in
            action.session.secrets.register("hunter22")
            await action.log("using hunter22 now")
            action.set("answer", "42 hunter22")
        }
        let outcome = await dispatch(.action("go"), TestCharm(handlerList: [table.handler()]), tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(tools.model.actionResults == ["answer": "42 ***"])
        #expect(tools.model.actionLogs == ["using *** now"])
        #expect(tools.model.actionFailure == nil)
        #expect(tools.calls.filter { $0.hasPrefix("action-set") }.count == 1)
    }

    @Test("an ActionFailure is action-fail with its sentence; results set before it are kept; state commits")
    func failureKeepsState() async {
        let tools = Self.tools()
        let table = Self.table { action in
            action.set("partial", "yes")
            action.session.flags.set("touched")
            throw ActionFailure("The thing could not be done.")
        }
        let outcome = await dispatch(.action("go"), TestCharm(handlerList: [table.handler()]), tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(tools.model.actionFailure == "The thing could not be done.")
        #expect(tools.model.actionResults == ["partial": "yes"])
        #expect(UnitState(stateGet: tools.model.state).flags.contains("touched"))
    }

    @Test("any other error becomes a sentence naming the action")
    func otherError() async {
        struct Broken: Error, CustomStringConvertible { var description: String { "the disk is full" } }
        let tools = Self.tools()
        let table = Self.table { _ in throw Broken() }
        _ = await dispatch(.action("go"), TestCharm(handlerList: [table.handler()]), tools: tools)
        #expect(tools.model.actionFailure == "The go action failed: the disk is full.")
    }

    @Test("before the ready flag an action that needs it fails with the table's sentence and does not run")
    func notReady() async {
        let tools = Self.tools(ready: false)
        let ran = Trace()
        let table = Self.table { _ in ran.add("ran") }
        _ = await dispatch(.action("go"), TestCharm(handlerList: [table.handler()]), tools: tools)
        #expect(tools.model.actionFailure == "Not ready yet.")
        #expect(ran.entries.isEmpty)
        let anytime = Self.table({ _ in ran.add("ran") }, needsReady: false)
        _ = await dispatch(.action("go"), TestCharm(handlerList: [anytime.handler()]), tools: Self.tools(ready: false))
        #expect(ran.entries == ["ran"])
    }

    @Test("parameters: strings trimmed, control characters and wrong types refused with sentences, defaults")
    func parameters() throws {
        let parameters = ActionParameters([
            "image": " busybox ", "pull": false, "count": 3, "bad": "a\nb", "tab": "a\tb", "del": "a\u{7f}",
        ])
        #expect(try parameters.string("image") == "busybox")
        #expect(try parameters.string("missing") == "")
        #expect(try parameters.bool("pull", default: true) == false)
        #expect(try parameters.bool("missing", default: true) == true)
        #expect(throws: ActionFailure("The bad parameter must be one line without control characters.")) {
            try parameters.string("bad")
        }
        #expect(throws: ActionFailure("The tab parameter must be one line without control characters.")) {
            try parameters.string("tab")
        }
        #expect(throws: ActionFailure("The del parameter must be one line without control characters.")) {
            try parameters.string("del")
        }
        #expect(throws: ActionFailure("The count parameter must be a string.")) { try parameters.string("count") }
        #expect(throws: ActionFailure("The image parameter must be true or false.")) {
            try parameters.bool("image", default: true)
        }
    }

    @Test("parameters decode into a typed value; a mismatch names the parameter")
    func typedParameters() throws {
        struct Push: Decodable, Equatable {
            var image: String
            var pull: Bool
        }
        #expect(try ActionParameters(["image": "a", "pull": true]).decode(Push.self) == Push(image: "a", pull: true))
        #expect(throws: ActionFailure("The pull parameter must be a boolean (true or false).")) {
            try ActionParameters(["image": "a", "pull": "yes"]).decode(Push.self)
        }
        #expect(throws: ActionFailure("The pull parameter is required.")) {
            try ActionParameters(["image": "a"]).decode(Push.self)
        }
        #expect(throws: ActionFailure("The image parameter must be one line without control characters.")) {
            try ActionParameters(["image": "a\n", "pull": true]).decode(Push.self)
        }
    }
}

@Suite("action results that action-set cannot carry")
struct ActionResultLimitTests {
    @Test("a value over the limit is cut at a line boundary and says how many lines were left out")
    func cut() {
        let lines = (1...30_000).map { "line \($0)" }
        let text = lines.joined(separator: "\n")
        let cut = ActionContext<AnyObjectState>.cut(text, limit: 100_000)
        #expect(cut.utf8.count <= 100_000)
        let kept = cut.split(separator: "\n").dropLast()
        #expect(kept.elementsEqual(lines.prefix(kept.count).map { Substring($0) }))
        #expect(cut.hasSuffix("… \(30_000 - kept.count) more lines left out (a result is cut at 100000 bytes)"))
        #expect(ActionContext<AnyObjectState>.cut("short", limit: 100_000) == "short")
    }
}

private final class AnyObjectState {}
