public import JujuKit
import Synchronization

/// A `CommandRunner` that records every command and answers from scripted responses.
///
/// Responses are matched by a predicate over the command; the first matching rule wins, and unmatched commands
/// succeed with empty output (or fail, with `strict`).
public final class FakeCommandRunner: CommandRunner, Sendable {
    /// Decides the result of a command.
    public typealias Responder = @Sendable (Command) -> CommandResult?

    private struct State {
        var commands: [Command] = []
        var responders: [Responder] = []
    }

    private let state = Mutex(State())
    private let strict: Bool

    /// Creates a runner; with `strict`, unmatched commands exit 127 as if not found.
    public init(strict: Bool = false) {
        self.strict = strict
    }

    /// Adds a responder, tried before those added earlier.
    public func respond(_ responder: @escaping Responder) {
        state.withLock { $0.responders.insert(responder, at: 0) }
    }

    /// Answers commands of `executable` whose arguments start with `prefix`.
    public func on(_ executable: String, _ prefix: [String] = [], result: CommandResult) {
        respond { command in
            guard command.executable == executable, command.arguments.starts(with: prefix) else { return nil }
            return result
        }
    }

    /// Every command run so far, in order.
    public var commands: [Command] { state.withLock { $0.commands } }

    /// The commands of one executable, as `executable arg…` lines.
    public func lines(of executable: String) -> [String] {
        commands.filter { $0.executable == executable }.map(\.description)
    }

    /// Forgets the recorded commands (responders stay).
    public func resetRecording() {
        state.withLock { $0.commands.removeAll() }
    }

    /// Records `command` and answers from the first matching responder.
    public func run(_ command: Command) async throws(CommandError) -> CommandResult {
        let responders = state.withLock { state -> [Responder] in
            state.commands.append(command)
            return state.responders
        }
        for responder in responders {
            if let result = responder(command) { return result }
        }
        return strict
            ? CommandResult(exitCode: 127, standardError: "\(command.executable): not found") : CommandResult()
    }
}
