import JujuKit
import JujuKitTesting
import Testing

@Suite("Status after a failed hook")
struct StatusMarkerTests {
    static func run(_ charm: TestCharm, tools: FakeHookTools, marker: StatusMarker?) async -> CharmDispatcher.Outcome {
        let context = HookContext(event: .unit(.updateStatus), unitName: tools.model.unitName)
        let outcome = await CharmDispatcher(context: context, tools: tools, digest: hexDigest, statusMarker: marker)
            .run(charm)
        tools.finishHook(exitCode: outcome.exitCode)
        return outcome
    }

    static var ready: TestCharm { TestCharm(handlerList: []) { $0.status.report(.active("Ready")) } }
    static var failsHalfway: TestCharm {
        TestCharm(handlerList: [
            Handler("work") { session in
                try await session.status.progress("Reconfiguring the registry.")
                throw TestError.boom
            }
        ])
    }

    enum TestError: Error { case boom }

    @Test("a progress status left by a failed hook is replaced by the next hook, even when that equals the record")
    func replacedAfterFailure() async {
        let tools = CharmDispatcherTests.tools()
        let marker = StatusMarker(path: "/charm/.status-unconfirmed", files: InMemoryFileSystem())
        #expect(await Self.run(Self.ready, tools: tools, marker: marker).exitCode == 0)
        #expect(tools.lastStatus == .active("Ready"))
        #expect(!marker.isSet)
        #expect(await Self.run(Self.failsHalfway, tools: tools, marker: marker).exitCode == 1)
        #expect(tools.lastStatus == .maintenance("Reconfiguring the registry."))
        #expect(marker.isSet)
        #expect(await Self.run(Self.ready, tools: tools, marker: marker).exitCode == 0)
        #expect(tools.lastStatus == .active("Ready"))
        #expect(!marker.isSet)
    }

    @Test("without a failure an unchanged status is not set again and nothing is written")
    func unchangedStaysQuiet() async {
        let tools = CharmDispatcherTests.tools()
        let files = InMemoryFileSystem()
        let marker = StatusMarker(path: "/charm/.status-unconfirmed", files: files)
        _ = await Self.run(Self.ready, tools: tools, marker: marker)
        files.resetRecording()
        tools.update { $0.calls = [] }
        _ = await Self.run(Self.ready, tools: tools, marker: marker)
        #expect(!tools.calls.contains("status-set"))
        #expect(files.writes.isEmpty)
    }
}
