import Subprocess
import SystemPackage

/// Runs programs with swift-subprocess (no Foundation `Process`, no shell).
public struct SubprocessRunner: CommandRunner {
    /// The most standard output collected from one program; `docker images` on a busy host stays well below it.
    ///
    /// swift-subprocess reserves a buffer of this size up front for every call, so it is not set higher than needed:
    /// 16 MiB per stream cost about 3 ms per call in page faults.
    public var outputLimit: Int
    /// The most standard error collected from one program.
    public var errorLimit: Int

    /// Creates a runner.
    public init(outputLimit: Int = 1024 * 1024, errorLimit: Int = 64 * 1024) {
        self.outputLimit = outputLimit
        self.errorLimit = errorLimit
    }

    /// Runs `command` to completion.
    public func run(_ command: Command) async throws(CommandError) -> CommandResult {
        let executable: Executable =
            command.executable.contains("/") ? .path(FilePath(command.executable)) : .name(command.executable)
        var environment: Environment = .inherit
        if !command.environment.isEmpty {
            var updates: [Environment.Key: String?] = [:]
            for (key, value) in command.environment { updates[Environment.Key(stringLiteral: key)] = value }
            environment = environment.updating(updates)
        }
        do {
            let status: TerminationStatus
            let output: String
            let error: String
            switch (command.input, command.mergeErrorIntoOutput) {
            case (let bytes?, false):
                let result = try await Subprocess.run(
                    executable,
                    arguments: Arguments(command.arguments),
                    environment: environment,
                    input: .array(bytes),
                    output: .string(limit: outputLimit),
                    error: .string(limit: errorLimit)
                )
                (status, output, error) = (result.terminationStatus, result.standardOutput, result.standardError)
            case (let bytes?, true):
                let result = try await Subprocess.run(
                    executable,
                    arguments: Arguments(command.arguments),
                    environment: environment,
                    input: .array(bytes),
                    output: .string(limit: outputLimit),
                    error: .combinedWithOutput
                )
                (status, output, error) = (result.terminationStatus, result.standardOutput, "")
            case (nil, false):
                let result = try await Subprocess.run(
                    executable,
                    arguments: Arguments(command.arguments),
                    environment: environment,
                    output: .string(limit: outputLimit),
                    error: .string(limit: errorLimit)
                )
                (status, output, error) = (result.terminationStatus, result.standardOutput, result.standardError)
            case (nil, true):
                let result = try await Subprocess.run(
                    executable,
                    arguments: Arguments(command.arguments),
                    environment: environment,
                    output: .string(limit: outputLimit),
                    error: .combinedWithOutput
                )
                (status, output, error) = (result.terminationStatus, result.standardOutput, "")
            }
            switch status {
            case .exited(let code):
                return CommandResult(exitCode: code, standardOutput: output, standardError: error)
            case .signaled(let signal):
                return CommandResult(exitCode: 128 + signal, standardOutput: output, standardError: error)
            }
        } catch {
            throw .launchFailed(command: command.description, reason: "\(error)")
        }
    }
}
