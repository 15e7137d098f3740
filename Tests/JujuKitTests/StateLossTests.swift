import JujuKit
import JujuKitTesting
import Testing

@Suite("Unit state loss in the dispatcher")
struct StateLossTests {
    static let valid = UnitState(flags: ["configured"], values: ["k": "v"]).encoded()

    @Test("no state is expected in install only; elsewhere it is a loss; a corrupt one is unreadable")
    func read() {
        #expect(StateLoss.read([:], event: .unit(.install)).loss == nil)
        #expect(StateLoss.read([:], event: .unit(.updateStatus)).loss == .missing)
        #expect(StateLoss.read([:], event: .action("push")).loss == .missing)
        // A refresh from the reactive charm starts in upgrade-charm with none of this charm's state.
        #expect(StateLoss.read([:], event: .unit(.upgradeCharm)).loss == .refreshedFromAnotherCharm)
        let corrupt = StateLoss.read([UnitState.stateKey: "{\"flags\": ["], event: .unit(.configChanged))
        guard case .unreadable(let reason) = corrupt.loss else {
            Issue.record("expected unreadable, got \(String(describing: corrupt.loss))")
            return
        }
        #expect(reason.hasPrefix("11 bytes that are not the charm's JSON"))
        #expect(corrupt.state == UnitState())
        let good = StateLoss.read([UnitState.stateKey: Self.valid], event: .unit(.configChanged))
        #expect(good.loss == nil)
        #expect(good.state.flags == ["configured"])
    }

    @Test("the dispatcher logs the loss and hands it to the charm, which may rebuild before the handlers run")
    func dispatcherHandsItOver() async {
        let tools = FakeHookTools()
        let seen = Trace()
        let charm = TestCharm(
            handlerList: [Handler("look") { seen.add("values: \($0.values.keys.sorted())") }],
            preparation: { session in
                seen.add("loss: \(session.stateLoss.map(\.description) ?? "none")")
                if session.stateLoss != nil { session.values["rebuilt"] = "yes" }
            }
        )
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(seen.entries == ["loss: none", "values: []"])
        tools.update { $0.state = [:] }
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(seen.entries.suffix(2) == ["loss: the unit state is missing", "values: [\"rebuilt\"]"])
        #expect(tools.model.logs.contains { $0.level == .warning && $0.message.hasPrefix("the unit state is missing") })
        #expect(UnitState(stateGet: tools.model.state).values["rebuilt"] == "yes")
    }
}
