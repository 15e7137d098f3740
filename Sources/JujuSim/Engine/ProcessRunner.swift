import Foundation

/// The result of running a hook or action process.
struct ProcessResult: Sendable {
    /// Exit code (128+signal when killed).
    var exitCode: Int32
    /// Captured stdout.
    var stdout: String
    /// Captured stderr.
    var stderr: String
}

/// Runs a charm process with an exact environment, capturing output through files (no pipe deadlocks).
enum ProcessRunner {
    /// Runs `executable` in `directory` with `environment`; stdin is empty.
    static func run(
        executable: String,
        directory: String,
        environment: [String: String],
        captureDirectory: String
    ) throws -> ProcessResult {
        let stdoutPath = captureDirectory + "/hook.stdout"
        let stderrPath = captureDirectory + "/hook.stderr"
        _ = FileManager.default.createFile(atPath: stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        guard let stdout = FileHandle(forWritingAtPath: stdoutPath),
            let stderr = FileHandle(forWritingAtPath: stderrPath),
            let stdin = FileHandle(forReadingAtPath: "/dev/null")
        else { throw SimError("cannot open capture files in \(captureDirectory)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = []
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            throw SimError("cannot run \(executable): \(error.localizedDescription)")
        }
        process.waitUntilExit()
        try? stdout.close()
        try? stderr.close()
        try? stdin.close()
        let code =
            process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        let out = FileManager.default.contents(atPath: stdoutPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = FileManager.default.contents(atPath: stderrPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ProcessResult(exitCode: code, stdout: out, stderr: err)
    }
}
