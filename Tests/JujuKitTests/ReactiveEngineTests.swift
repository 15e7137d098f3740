import JujuKit
import JujuKitTesting
import Testing

@Suite("Reactive engine")
struct ReactiveEngineTests {
    @Test("handlers run to a fixpoint, in registration order within each pass")
    func fixpointOrdering() async {
        let tools = FakeHookTools()
        let charm = TestCharm(handlerList: [
            Handler("third", when: ["b"]) { _ in },
            Handler("first", whenNot: ["a"]) { $0.flags.set("a") },
            Handler("second", when: ["a"], whenNot: ["b"]) { $0.flags.set("b") },
        ])
        let outcome = await dispatch(.unit(.install), charm, tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(outcome.handlersRun == ["first", "second", "third"])
    }

    @Test("a handler runs once per hook unless a flag it watches changes")
    func rerunOnlyOnWatchedChange() async {
        let tools = FakeHookTools()
        let counter = Trace()
        let charm = TestCharm(handlerList: [
            Handler("setup", whenNot: ["configured"]) { $0.flags.set("configured") },
            Handler("watcher", when: ["configured"], whenAny: ["x", "configured"]) { _ in counter.add("watcher") },
            Handler("unrelated", when: ["configured"], whenNot: ["y"]) { $0.flags.set("y") },
            Handler("toggle-x", when: ["y"], whenNot: ["x"]) { $0.flags.set("x") },
        ])
        let outcome = await dispatch(.unit(.install), charm, tools: tools)
        #expect(outcome.exitCode == 0)
        // watcher runs once "configured" is set, not again for "y" (unwatched), once more for "x" (watched).
        #expect(counter.entries == ["watcher", "watcher"])
    }

    @Test("handlers that keep toggling a flag fail the hook instead of looping")
    func noFixpoint() async {
        let tools = FakeHookTools()
        let charm = TestCharm(handlerList: [
            Handler("on", whenNot: ["flip"]) { $0.flags.set("flip") },
            Handler("off", when: ["flip"]) { $0.flags.clear("flip") },
        ])
        let outcome = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(outcome.exitCode == 1)
        #expect(outcome.failure?.contains("did not settle") == true)
        #expect(!tools.calls.contains("state-set"))
    }

    @Test("hook-scoped handlers do not run in actions, action handlers do not run in hooks")
    func scopes() async {
        let tools = FakeHookTools()
        let charm = TestCharm(handlerList: [
            Handler("hook-only") { _ in },
            Handler("push", when: [.action("push")], scope: .actions) { _ in },
            Handler("everywhere", scope: .all) { _ in },
        ])
        let hook = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(hook.handlersRun == ["hook-only", "everywhere"])
        let action = await dispatch(.action("push"), charm, tools: tools)
        #expect(action.handlersRun == ["push", "everywhere"])
    }

    @Test("the event is a transient flag: hook.<name> and action.<name>")
    func eventFlags() async {
        let tools = FakeHookTools()
        let trace = Trace()
        let charm = TestCharm(handlerList: [
            Handler("on-stop", when: [.hook("stop")]) { _ in trace.add("stop") },
            Handler("on-joined", when: [.hook("website-relation-joined")]) { _ in trace.add("joined") },
        ])
        _ = await dispatch(.unit(.stop), charm, tools: tools)
        _ = await dispatch(.relation(endpoint: "website", kind: .joined), charm, tools: tools)
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(trace.entries == ["stop", "joined"])
        let state = UnitState(stateGet: tools.model.state)
        #expect(!state.flags.contains { $0.isTransient })
    }
}
