public import JujuKit

/// Runs the docker commands of the actions (`pull`, `tag`, `push`, `images`, `rmi`, `prune`, …) and hands back
/// what they printed, failure or not: each action words its own failure.
///
/// Arguments are argv, never a shell line; secrets go on standard input (`docker login --password-stdin`).
public struct DockerCommandLine: Sendable {
    private let runner: any CommandRunner
    private let executable: String

    /// Creates a client that runs `executable` (default `docker`) through `runner`.
    public init(runner: any CommandRunner, executable: String = "docker") {
        self.runner = runner
        self.executable = executable
    }

    /// Runs `docker <arguments>`.
    ///
    /// - Parameters:
    ///   - input: bytes for standard input (a password), if any.
    ///   - environment: variables on top of the charm's (such as `DOCKER_CONFIG`).
    ///   - mergeOutput: whether standard error is folded into standard output.
    /// - Throws: `DockerError.unavailable` when docker cannot be started; a non-zero exit is returned, not thrown.
    public func run(
        _ arguments: [String],
        input: [UInt8]? = nil,
        environment: [String: String] = [:],
        mergeOutput: Bool = false
    ) async throws(DockerError) -> CommandResult {
        do throws(CommandError) {
            return try await runner.run(
                Command(
                    executable,
                    arguments,
                    input: input,
                    environment: environment,
                    mergeErrorIntoOutput: mergeOutput
                )
            )
        } catch {
            throw .unavailable(reason: error.description)
        }
    }
}

extension CommandResult {
    /// What went wrong, on one line: standard error (or output when it was merged), whitespace collapsed.
    public var reason: String {
        let text = standardError.trimmingWhitespace().isEmpty ? standardOutput : standardError
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        let line = words.joined(separator: " ")
        return line.isEmpty ? "exit status \(exitCode)" : line
    }
}
