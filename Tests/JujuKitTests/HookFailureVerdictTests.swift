import JujuKit
import JujuKitTesting
import Testing

/// One rule for an error that reaches the top of a hook: the charm's own errors end the hook with exit 0 and the
/// charm's status (its flags added to the last good state); Juju's hook tools failing still fails the hook.
@Suite("Hook failure verdicts")
struct HookFailureVerdictTests {
    struct Boom: Error, CustomStringConvertible {
        var description: String { "the disk caught fire" }
    }

    static func charm(throwing error: any Error) -> TestCharm {
        var charm = TestCharm(handlerList: [
            Handler("configure") { session in
                session.flags.set("half-done")
                session.values["half"] = .string("done")
                throw error
            }
        ])
        charm.failureVerdict = { event, reason in
            HookFailureVerdict(status: .blocked("\(event.name): \(reason)"), flags: ["retry-owed"])
        }
        return charm
    }

    @Test("a charm error: exit 0, the charm's status, its flag added to the last good state, nothing else kept")
    func charmErrorBlocks() async {
        let tools = FakeHookTools()
        let ok = TestCharm(handlerList: [Handler("first", whenNot: ["ready"]) { $0.flags.set("ready") }])
        #expect(await dispatch(.unit(.install), ok, tools: tools).exitCode == 0)
        let outcome = await dispatch(.unit(.configChanged), Self.charm(throwing: Boom()), tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(outcome.failure?.contains("the disk caught fire") == true)
        let status = tools.lastStatus
        #expect(status?.state == .blocked)
        #expect(status?.message.hasPrefix("config-changed: handler configure failed: the disk caught fire") == true)
        let state = UnitState(stateGet: tools.model.state)
        #expect(state.flags == ["ready", "retry-owed"])
        #expect(state.values["half"] == nil)
        #expect(tools.model.logs.contains { $0.level == .error && $0.message.contains("the disk caught fire") })
    }

    @Test("a hook tool failing still fails the hook (Juju's retry is the remedy), whatever the charm says")
    func hookToolErrorFails() async {
        let tools = FakeHookTools()
        let failure = HookToolError.failed(tool: "relation-set", exitCode: 1, message: "ERROR connection reset")
        let outcome = await dispatch(.unit(.configChanged), Self.charm(throwing: failure), tools: tools)
        #expect(outcome.exitCode == 1)
        #expect(tools.model.state.isEmpty)
    }
}
