import Foundation
import Testing

/// The result of running a process.
struct RunResult {
    /// Exit code.
    var code: Int32
    /// Standard output.
    var stdout: String
    /// Standard error.
    var stderr: String
}

/// The result of one hook-tool call made inside a hook.
struct ToolRun {
    /// Exit code.
    var code: Int32
    /// Standard output.
    var stdout: String
    /// Standard error.
    var stderr: String
}

/// Locates the built `charm-sim` binary: `CHARM_SIM_BIN`, else next to the test bundle.
enum SimBinary {
    static let path: String = {
        let environment = ProcessInfo.processInfo.environment
        if let configured = environment["CHARM_SIM_BIN"], !configured.isEmpty { return configured }
        var candidates: [String] = []
        let first = URL(fileURLWithPath: CommandLine.arguments.first ?? "").standardizedFileURL
        candidates.append(first.deletingLastPathComponent().appendingPathComponent("charm-sim").path)
        // An .xctest bundle on Darwin nests the executable; walk up a few levels.
        var directory = first.deletingLastPathComponent()
        for _ in 0..<4 {
            directory = directory.deletingLastPathComponent()
            candidates.append(directory.appendingPathComponent("charm-sim").path)
        }
        if let own = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(
                URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("charm-sim").path
            )
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()
}

/// A scratch state directory plus a fixture charm written as shell scripts, driven through the real binary.
final class SimHarness {
    /// Temporary root.
    let root: String
    /// The fixture charm source.
    let charm: String
    /// The state directory.
    let state: String
    /// Where tool results are written by generated handlers.
    let results: String

    /// Creates a fixture charm; `handlers` maps hook/action names to bash snippets sourced by `dispatch`.
    init(handlers: [String: String] = [:], dispatch: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("charm-sim-test-\(UUID().uuidString)").path
        charm = root + "/charm"
        state = root + "/state"
        results = root + "/results"
        try FileManager.default.createDirectory(atPath: charm + "/handlers", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        try write(Fixture.metadata, to: charm + "/metadata.yaml")
        try write(Fixture.config, to: charm + "/config.yaml")
        try write(Fixture.actions, to: charm + "/actions.yaml")
        if dispatch { try write(Fixture.dispatch, to: charm + "/dispatch", executable: true) }
        for (name, body) in handlers { try write(body, to: charm + "/handlers/" + name) }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes a file.
    func write(_ text: String, to path: String, executable: Bool = false) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: executable ? 0o755 : 0o644], ofItemAtPath: path)
    }

    /// The unit's charm copy.
    func unitCharm(_ unit: String = "demo/0") -> String {
        state + "/agents/unit-" + unit.replacingOccurrences(of: "/", with: "-") + "/charm"
    }

    /// Sets the handler for a hook or action in a deployed unit's charm copy.
    func setHandler(_ name: String, _ body: String, unit: String = "demo/0") throws {
        try write(body, to: unitCharm(unit) + "/handlers/" + name)
    }

    /// Runs `charm-sim --state-dir <state> …`.
    @discardableResult
    func sim(_ arguments: String..., stdin: String? = nil) throws -> RunResult {
        try simArgs(arguments, stdin: stdin)
    }

    /// Runs `charm-sim --state-dir <state> …` with an argument array.
    @discardableResult
    func simArgs(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
        try Self.run(
            SimBinary.path,
            ["--state-dir", state] + arguments,
            directory: root,
            environment: [
                "RESULTS": results, "CHARM_SIM_PASSTHROUGH_ENV": "RESULTS",
            ]
        )
    }

    /// Deploys the fixture charm and requires success.
    func deploy(_ extra: String...) throws {
        let result = try simArgs(["deploy", charm] + extra)
        #expect(result.code == 0, "deploy failed: \(result.stderr)")
    }

    /// Runs tool command lines inside `hook` on `unit` and returns each call's result, in order.
    ///
    /// Each line is a shell command (it may use pipes); `exitCode` is the handler's final exit status.
    func tools(
        _ lines: [String],
        hook: String = "update-status",
        unit: String = "demo/0",
        relation: Int? = nil,
        remoteUnit: String? = nil,
        exitCode: Int = 0
    ) throws -> [ToolRun] {
        try? FileManager.default.removeItem(atPath: results)
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        var script = ""
        for (index, line) in lines.enumerated() {
            script += "( \(line) ) >\"$RESULTS/\(index).out\" 2>\"$RESULTS/\(index).err\"; "
            script += "echo $? >\"$RESULTS/\(index).code\"\n"
        }
        script += "exit \(exitCode)\n"
        try setHandler(hook, script, unit: unit)
        var arguments = ["hook", hook, "--unit", unit]
        if let relation { arguments += ["--relation", String(relation)] }
        if let remoteUnit { arguments += ["--remote-unit", remoteUnit] }
        let result = try simArgs(arguments)
        if exitCode == 0 { #expect(result.code == 0, "hook \(hook) failed: \(result.stderr)") }
        return lines.indices.map { index in
            ToolRun(
                code: Int32(read(results + "/\(index).code").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                stdout: read(results + "/\(index).out"),
                stderr: read(results + "/\(index).err")
            )
        }
    }

    /// Runs one tool command line inside a hook.
    func tool(_ line: String, hook: String = "update-status", unit: String = "demo/0") throws -> ToolRun {
        try tools([line], hook: hook, unit: unit)[0]
    }

    /// Reads a file (empty if missing).
    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    /// Decodes `charm-sim … --format json` output.
    func json(_ arguments: String...) throws -> Any {
        let result = try simArgs(arguments + ["--format", "json"])
        #expect(result.code == 0, "\(arguments) failed: \(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
    }

    /// Hook history as (unit, hook, remote-unit) triples.
    func history() throws -> [[String: Any]] {
        (try json("history") as? [[String: Any]]) ?? []
    }

    /// Hook names run on a unit, in order, optionally with the remote unit in parentheses.
    func hooks(unit: String = "demo/0", withRemote: Bool = false) throws -> [String] {
        try history().filter { ($0["unit"] as? String) == unit }.map { entry in
            let hook = entry["hook"] as? String ?? ""
            guard withRemote, let remote = entry["remote-unit"] as? String else { return hook }
            return "\(hook)(\(remote))"
        }
    }

    /// Runs a process and captures its output.
    static func run(_ executable: String, _ arguments: [String], directory: String, environment extra: [String: String])
        throws -> RunResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "CHARM_SIM_HOME")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let capture = directory + "/.capture-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: capture + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: capture + ".err", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: capture + ".out"))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: capture + ".err"))
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        defer {
            try? FileManager.default.removeItem(atPath: capture + ".out")
            try? FileManager.default.removeItem(atPath: capture + ".err")
        }
        return RunResult(
            code: process.terminationStatus,
            stdout: (try? String(contentsOfFile: capture + ".out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: capture + ".err", encoding: .utf8)) ?? ""
        )
    }
}
