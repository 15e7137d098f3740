/// A program to run: its name (looked up on `PATH`) or path, its arguments, what goes to its standard input.
///
/// Secrets belong in `input`, never in `arguments`: argv is readable by every user through `/proc`.
public struct Command: Sendable, Equatable, CustomStringConvertible {
    /// The program, as a name found on `PATH` or as a path.
    public var executable: String
    /// The arguments, without the program itself.
    public var arguments: [String]
    /// Bytes written to the program's standard input, if any.
    public var input: [UInt8]?
    /// Variables set on top of the inherited environment.
    public var environment: [String: String]
    /// Whether standard error is folded into standard output (`2>&1`).
    public var mergeErrorIntoOutput: Bool

    /// Creates a command.
    public init(
        _ executable: String,
        _ arguments: [String] = [],
        input: [UInt8]? = nil,
        environment: [String: String] = [:],
        mergeErrorIntoOutput: Bool = false
    ) {
        self.executable = executable
        self.arguments = arguments
        self.input = input
        self.environment = environment
        self.mergeErrorIntoOutput = mergeErrorIntoOutput
    }

    /// Creates a command whose standard input is a string.
    public init(_ executable: String, _ arguments: [String] = [], stdin: String) {
        self.init(executable, arguments, input: Array(stdin.utf8))
    }

    /// The program and its arguments joined by spaces, for messages (it never holds a secret).
    public var description: String {
        ([executable] + arguments).joined(separator: " ")
    }
}

/// What a finished program left behind.
public struct CommandResult: Sendable, Equatable {
    /// The exit code, or 128 + the signal number when a signal ended it.
    public var exitCode: Int32
    /// Standard output, decoded as UTF-8.
    public var standardOutput: String
    /// Standard error, decoded as UTF-8 (empty when merged into output).
    public var standardError: String

    /// Creates a result.
    public init(exitCode: Int32 = 0, standardOutput: String = "", standardError: String = "") {
        self.exitCode = exitCode
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Whether the program exited 0.
    public var succeeded: Bool { exitCode == 0 }
}

/// Runs programs.
///
/// Production code uses `SubprocessRunner`; tests use a fake that records commands.
public protocol CommandRunner: Sendable {
    /// Runs `command` to completion and returns its exit code and output.
    ///
    /// - Throws: `CommandError.launchFailed` when the program cannot be started; a non-zero exit is not an error.
    func run(_ command: Command) async throws(CommandError) -> CommandResult
}

extension CommandRunner {
    /// Runs `command` and returns its standard output, throwing when it exits non-zero.
    ///
    /// - Throws: `CommandError.failed` with the exit code and standard error on a non-zero exit.
    @discardableResult
    public func output(_ command: Command) async throws(CommandError) -> String {
        let result = try await run(command)
        guard result.succeeded else {
            throw .failed(command: command.description, exitCode: result.exitCode, message: result.standardError)
        }
        return result.standardOutput
    }
}

/// Why a program could not be run or did not succeed.
public enum CommandError: Error, Equatable, CustomStringConvertible {
    /// The program could not be started (not found, not executable).
    case launchFailed(command: String, reason: String)
    /// The program exited non-zero.
    case failed(command: String, exitCode: Int32, message: String)

    /// A lower-case message naming the command.
    public var description: String {
        switch self {
        case .launchFailed(let command, let reason):
            return "could not run '\(command)': \(reason)"
        case .failed(let command, let code, let message):
            let detail = message.trimmingWhitespace()
            return "'\(command)' exited with status \(code)" + (detail.isEmpty ? "" : ": \(detail)")
        }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
