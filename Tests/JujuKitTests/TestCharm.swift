import JujuKit
import JujuKitTesting

/// A charm made of closures, for engine and dispatcher tests.
struct TestCharm: Charm {
    var handlerList: [Handler<NoHookState>]
    var status: (HookSession<NoHookState>) async throws -> Void = { _ in }
    var preparation: (HookSession<NoHookState>) async throws -> Void = { _ in }
    /// What a failed hook leaves instead of failing (`nil`: it fails).
    var failureVerdict: (@Sendable (HookEvent, String) -> HookFailureVerdict?)?

    func prepare(_ session: HookSession<NoHookState>) async throws { try await preparation(session) }
    func handlers() -> [Handler<NoHookState>] { handlerList }
    func assessStatus(_ session: HookSession<NoHookState>) async throws { try await status(session) }
    func afterFailure(of event: HookEvent, reason: String) -> HookFailureVerdict? {
        failureVerdict?(event, reason)
    }
}

/// A digest good enough for tests: the bytes in hex (distinct inputs give distinct digests).
let hexDigest: @Sendable ([UInt8]) -> String = { bytes in
    bytes.map { byte in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}

/// Runs one event through the dispatcher with fake tools.
func dispatch(
    _ event: HookEvent,
    _ charm: TestCharm,
    tools: FakeHookTools
) async -> CharmDispatcher.Outcome {
    let context = HookContext(event: event, unitName: tools.model.unitName)
    let outcome = await CharmDispatcher(context: context, tools: tools, digest: hexDigest).run(charm)
    tools.finishHook(exitCode: outcome.exitCode)
    return outcome
}

/// Records handler runs across closures.
final class Trace: @unchecked Sendable {
    var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}
