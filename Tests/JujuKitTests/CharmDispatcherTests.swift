import JujuKit
import JujuKitTesting
import Logging
import Testing

@Suite("Charm dispatcher")
struct CharmDispatcherTests {
    static func tools(config: [String: JSONValue] = ["registry-port": 5000, "log-level": "info"]) -> FakeHookTools {
        let tools = FakeHookTools()
        tools.update { $0.config = config }
        return tools
    }

    @Test("flags persist across hooks; a failed hook commits nothing")
    func rollback() async {
        let tools = Self.tools()
        let ok = TestCharm(handlerList: [Handler("configure", whenNot: ["configured"]) { $0.flags.set("configured") }])
        #expect(await dispatch(.unit(.install), ok, tools: tools).exitCode == 0)
        #expect(UnitState(stateGet: tools.model.state).flags == ["configured"])

        struct Boom: Error {}
        let failing = TestCharm(handlerList: [
            Handler("unset", when: ["configured"]) { $0.flags.clear("configured") },
            Handler("explode", whenNot: ["configured"]) { _ in throw Boom() },
        ])
        let stateBefore = tools.model.state
        let outcome = await dispatch(.unit(.configChanged), failing, tools: tools)
        #expect(outcome.exitCode == 1)
        #expect(outcome.failure?.contains("explode") == true)
        #expect(tools.model.state == stateBefore)
        #expect(tools.model.logs.contains { $0.level == .error && $0.message.contains("explode") })
    }

    @Test("config.changed flags: all options in the first hook, then only those that changed")
    func configChanged() async {
        let tools = Self.tools()
        let seen = Trace()
        let charm = TestCharm(handlerList: [
            Handler("any-change", when: [.configChanged]) { session in
                let prefix = Flag.configChanged.rawValue + "."
                let changed = session.flags.all.map(\.rawValue).filter { $0.hasPrefix(prefix) }
                seen.add(changed.map { String($0.dropFirst(prefix.count)) }.sorted().joined(separator: ","))
            },
            Handler("port-change", when: [.configChanged("registry-port")]) { _ in seen.add("port") },
        ])
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(seen.entries == ["log-level,registry-port", "port"])

        seen.entries = []
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(seen.entries.isEmpty)

        tools.update { $0.config["log-level"] = "debug" }
        _ = await dispatch(.unit(.configChanged), charm, tools: tools)
        #expect(seen.entries == ["log-level"])
    }

    @Test("config.set flags follow truthiness")
    func configSet() async {
        let tools = Self.tools(config: ["a": "", "b": "x", "c": 0, "d": 1, "e": false, "f": true])
        let charm = TestCharm(handlerList: [
            Handler("check") { session in
                for name in ["a", "b", "c", "d", "e", "f"] where session.flags.containsKnown(.configSet(name)) {
                    session.values["set.\(name)"] = true
                }
            }
        ])
        _ = await dispatch(.unit(.install), charm, tools: tools)
        let values = UnitState(stateGet: tools.model.state).values
        #expect(Set(values.keys) == ["set.b", "set.d", "set.f"])
    }

    @Test("a hook with nothing to do makes two tool calls and writes nothing")
    func idleHookIsCheap() async {
        let tools = Self.tools()
        let charm = TestCharm(
            handlerList: [Handler("configure", whenNot: ["configured"]) { $0.flags.set("configured") }],
            status: { $0.status.report(.active("Ready.")) }
        )
        _ = await dispatch(.unit(.install), charm, tools: tools)
        tools.update { $0.calls = [] }
        let outcome = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(tools.calls == ["state-get", "config-get"])
    }

    @Test("is-leader is asked only when a handler's conditions reach the leader flag")
    func lazyLeadership() async {
        let tools = Self.tools()
        let charm = TestCharm(handlerList: [
            Handler("leader-work", when: ["needs-secret", .leader]) { $0.flags.clear("needs-secret") }
        ])
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(!tools.calls.contains("is-leader"))

        tools.update { $0.state = [UnitState.stateKey: UnitState(flags: ["needs-secret"]).encoded()] }
        let outcome = await dispatch(.unit(.leaderElected), charm, tools: tools)
        #expect(outcome.handlersRun == ["leader-work"])
        #expect(tools.calls.filter { $0 == "is-leader" }.count == 1)
    }

    @Test("status: highest priority wins, first among equals, and an unchanged status is not set again")
    func statusPriority() async {
        let tools = Self.tools()
        let charm = TestCharm(
            handlerList: [],
            status: { session in
                session.status.report(.active("Ready at 10.0.0.5:5000 (http)."))
                session.status.report(.waiting("Waiting for a certificate."))
                session.status.report(.blocked("Invalid charm config: storage-cache"))
                session.status.report(.blocked("second blocked"))
            }
        )
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(tools.model.statusHistory == [.blocked("Invalid charm config: storage-cache")])
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(tools.model.statusHistory.count == 1)
    }

    @Test("progress sets maintenance at once; the final status follows")
    func progress() async {
        let tools = Self.tools()
        let charm = TestCharm(
            handlerList: [Handler("install") { try await $0.status.progress("Installing docker.io.") }],
            status: { $0.status.report(.active("Ready.")) }
        )
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(tools.model.statusHistory == [.maintenance("Installing docker.io."), .active("Ready.")])
    }

    @Test("an action that throws fails with a sentence, exits 0 and commits no state")
    func actionFailure() async {
        let tools = Self.tools()
        struct Refused: Error, CustomStringConvertible { var description: String { "the image is missing" } }
        let charm = TestCharm(handlerList: [
            Handler("push", when: [.action("push")], scope: .actions) { session in
                session.flags.set("pushed")
                throw Refused()
            }
        ])
        let outcome = await dispatch(.action("push"), charm, tools: tools)
        #expect(outcome.exitCode == 0)
        #expect(tools.model.actionFailure?.hasSuffix("the image is missing.") == true)
        #expect(!tools.calls.contains("state-set"))
    }

    @Test("secrets are masked in logs and status")
    func secretMasking() async {
        let tools = Self.tools(config: ["auth-basic-password": "hunter2-secret"])
        let charm = TestCharm(
            handlerList: [
                Handler("leaky") { session in
                    session.logger.info("password is \(session.config["auth-basic-password"]?.stringValue ?? "")")
                }
            ],
            status: { session in session.status.report(.blocked("bad hunter2-secret")) },
            preparation: { session in session.secrets.register("hunter2-secret") }
        )
        _ = await dispatch(.unit(.install), charm, tools: tools)
        #expect(tools.model.logs.map(\.message) == ["password is ***"])
        #expect(tools.model.statusHistory == [.blocked("bad ***")])
    }

    @Test("dataChanged reports a change once and survives only successful hooks")
    func dataChanged() async {
        let tools = Self.tools()
        let trace = Trace()
        let charm = TestCharm(handlerList: [
            Handler("watch") { session in
                trace.add(session.dataChanged(TestRecord.basicAuth, ["admin", "pw"]) ? "changed" : "same")
            }
        ])
        _ = await dispatch(.unit(.install), charm, tools: tools)
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        #expect(trace.entries == ["changed", "same"])
        #expect(!tools.model.state.values.joined().contains("pw\""))
    }

    @Test("endpoint.<name>.joined is asked of Juju only when a handler needs it, and reflects remote units")
    func endpointJoined() async {
        let tools = Self.tools()
        tools.update {
            $0.relations["website:3"] = .init(endpoint: "website", remoteApp: "haproxy")
            $0.relations["website:4"] = .init(endpoint: "website", remoteApp: "other", remoteUnits: ["other/0"])
        }
        let charm = TestCharm(handlerList: [
            Handler("publish", when: [.endpointJoined("website")]) { $0.values["published"] = true },
            Handler("never", when: [.endpointJoined("nrpe-external-master")]) { $0.values["never"] = true },
        ])
        _ = await dispatch(.unit(.updateStatus), charm, tools: tools)
        let values = UnitState(stateGet: tools.model.state).values
        #expect(values["published"] == true)
        #expect(values["never"] == nil)
        #expect(tools.calls.filter { $0 == "relation-ids" }.count == 2)
    }
}

/// The records the dispatcher tests keep with `dataChanged`.
private enum TestRecord: String, WatchedDataKey {
    case basicAuth = "basic_auth"
}
