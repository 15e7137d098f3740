import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The result of running a hook or action process.
struct ProcessResult: Sendable {
    /// Exit code (128+signal when killed).
    var exitCode: Int32
    /// Captured stdout.
    var stdout: String
    /// Captured stderr.
    var stderr: String
    /// Wall time from spawn to exit, in milliseconds.
    var durationMilliseconds: Double
    /// The process's peak resident set size, in kibibytes (`ru_maxrss` from `wait4`).
    var peakResidentKilobytes: Int
}

/// Runs a charm process with an exact environment, capturing output through files (no pipe deadlocks).
///
/// It uses `posix_spawn` and `wait4` rather than Foundation's `Process`, whose `waitUntilExit` polls every 50 ms:
/// the measured hook time is the hook's own.
enum ProcessRunner {
    private typealias AddChdir =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which the Glibc module does not import.
    private static let addChdir: AddChdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
        unsafeBitCast($0, to: AddChdir.self)
    }

    /// Runs `executable` in `directory` with `environment`; stdin is `/dev/null`.
    ///
    /// A non-empty `prefix` (an absolute program and its arguments) is run instead, with `executable` as its last
    /// argument, as a machine's command prefix runs a hook on that machine.
    static func run(
        executable: String,
        prefix: [String] = [],
        directory: String,
        environment: [String: String],
        captureDirectory: String
    ) throws -> ProcessResult {
        let stdoutPath = captureDirectory + "/hook.stdout"
        let stderrPath = captureDirectory + "/hook.stderr"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard let addChdir = Self.addChdir else { throw SimError("posix_spawn_file_actions_addchdir_np is missing") }
        _ = addChdir(&actions, directory)

        let program = prefix.first ?? executable
        let argv: [UnsafeMutablePointer<CChar>?] = (prefix + [executable]).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let clock = ContinuousClock()
        let started = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw SimError("cannot run \(program): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw SimError("cannot wait for \(executable): errno \(errno)") }
        }
        let elapsed = started.duration(to: clock.now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        let exited = (status & 0x7f) == 0
        let code = exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = FileManager.default.contents(atPath: stdoutPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let err = FileManager.default.contents(atPath: stderrPath).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return ProcessResult(
            exitCode: code,
            stdout: out,
            stderr: err,
            durationMilliseconds: milliseconds,
            peakResidentKilobytes: Int(usage.ru_maxrss)
        )
    }
}
