import Foundation

/// The built charm deployed under `charm-sim` on this machine, against the real dockerd.
///
/// Each test gets a fresh charm directory and sim state; `tearDown()` removes the unit and anything left behind.
final class CharmUnderTest {
    static let enabled = ProcessInfo.processInfo.environment["CHARM_INTEGRATION"] == "1"
    static let registryImage = ProcessInfo.processInfo.environment["REGISTRY_IMAGE"] ?? "localhost/registry:test"
    static let busyboxImage = ProcessInfo.processInfo.environment["BUSYBOX_IMAGE"] ?? "localhost/busybox:test"

    /// The repository root (this file is Tests/IntegrationTests/CharmUnderTest.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    /// Where the test binary and the products built with it live.
    static let productsDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()

    /// The `charm-sim` binary: `CHARM_SIM_BIN`, else the one built beside the tests.
    static var simBinary: String {
        ProcessInfo.processInfo.environment["CHARM_SIM_BIN"]
            ?? productsDirectory.appendingPathComponent("charm-sim").path
    }

    /// The charm binary: `CHARM_BINARY` (CI points it at the shipped `bin/docker-registry-charm`), else the one built
    /// beside the tests.
    static var charmBinary: String {
        ProcessInfo.processInfo.environment["CHARM_BINARY"]
            ?? productsDirectory.appendingPathComponent("docker-registry-charm").path
    }

    let root: URL
    let charmDirectory: URL
    let stateDirectory: URL
    private let daemonJSONBackup: Data?

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("charm-it-\(UUID().uuidString)")
        charmDirectory = root.appendingPathComponent("charm")
        stateDirectory = root.appendingPathComponent("sim")
        daemonJSONBackup = FileManager.default.contents(atPath: "/etc/docker/daemon.json")
        try FileManager.default.createDirectory(
            at: charmDirectory.appendingPathComponent("bin"),
            withIntermediateDirectories: true
        )
        for name in ["metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml"] {
            try FileManager.default.copyItem(
                at: Self.repository.appendingPathComponent(name),
                to: charmDirectory.appendingPathComponent(name)
            )
        }
        for name in ["dispatch", "hooks", "actions", "templates"] {
            try shell("cp", ["-a", Self.repository.appendingPathComponent(name).path, charmDirectory.path])
        }
        try FileManager.default.copyItem(
            atPath: Self.charmBinary,
            toPath: charmDirectory.appendingPathComponent("bin/docker-registry-charm").path
        )
        // A previous run may have left a container behind.
        try shell("docker", ["rm", "-f", "registry"])
    }

    /// Runs `charm-sim` with this test's state directory.
    @discardableResult
    func sim(_ arguments: [String]) throws -> ProcessOutput {
        try shell(Self.simBinary, ["--state-dir", stateDirectory.path] + arguments)
    }

    /// The Juju version charm-sim behaves as: `CHARM_JUJU_VERSION` (CI runs the suites with 3.6 and 4.0).
    static let jujuVersion = ProcessInfo.processInfo.environment["CHARM_JUJU_VERSION"] ?? "3.6"

    /// Deploys the charm with the test image and `config`.
    func deploy(_ config: [String: String] = [:]) throws {
        let settings = ["registry-image": Self.registryImage].merging(config) { $1 }
        let output = try sim(
            ["deploy", charmDirectory.path, "--juju-version", Self.jujuVersion]
                + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        )
        guard output.succeeded else { throw TestFailure("deploy failed: \(output.stdout) \(output.stderr)") }
    }

    /// Sets config options (running config-changed).
    func configure(_ settings: [String: String]) throws {
        let output = try sim(["config"] + settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        guard output.succeeded else { throw TestFailure("config failed: \(output.stdout) \(output.stderr)") }
    }

    /// Resets options to their defaults.
    func reset(_ options: [String]) throws {
        let output = try sim(["config", "--reset", options.joined(separator: ",")])
        guard output.succeeded else { throw TestFailure("config reset failed: \(output.stdout) \(output.stderr)") }
    }

    /// The unit's status as `charm-sim status --format json` reports it.
    func unitStatus() throws -> (state: String, message: String, ports: [String]) {
        let output = try sim(["status", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let units = (json?["application"] as? [String: Any])?["units"] as? [String: Any]
        let unit = units?["docker-registry/0"] as? [String: Any]
        let workload = unit?["workload-status"] as? [String: Any]
        return (
            workload?["current"] as? String ?? "", workload?["message"] as? String ?? "",
            unit?["open-ports"] as? [String] ?? []
        )
    }

    /// Every `juju-log` line of the unit.
    func logText() throws -> String { try sim(["log"]).stdout }

    /// The id of the registry container, `nil` when there is none.
    func containerID(_ name: String = "registry") throws -> String? {
        let output = try shell("docker", ["container", "inspect", "--format", "{{.Id}}", name])
        return output.succeeded ? output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// Relates `endpoint` to `remoteApp` (one unit, `<remoteApp>/0`) with `unitData` in that unit's databag;
    /// returns the relation id.
    @discardableResult
    func relate(_ endpoint: String, _ remoteApp: String, unitData: [String: String] = [:]) throws -> Int {
        let file = root.appendingPathComponent("relation-\(UUID().uuidString).json")
        // JSON is YAML: multi-line PEM values stay byte-exact.
        try JSONSerialization.data(withJSONObject: unitData).write(to: file)
        let output = try sim(["relate", endpoint, remoteApp, "--unit-data", file.path, "--format", "json"])
        guard output.succeeded else { throw TestFailure("relate failed: \(output.stdout) \(output.stderr)") }
        let answer = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        guard let id = answer?["id"] as? Int else { throw TestFailure("relate printed \(output.stdout)") }
        return id
    }

    /// Removes relation `id` (departed, then broken).
    func unrelate(_ id: Int) throws {
        let output = try sim(["unrelate", String(id)])
        guard output.succeeded else { throw TestFailure("unrelate failed: \(output.stdout) \(output.stderr)") }
    }

    /// The databag `member` (a unit or application name) holds on relation `id`.
    func relationData(_ id: Int, member: String = "docker-registry/0") throws -> [String: String] {
        let output = try sim(["relation-data", String(id)])
        let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let units = report?["unit-data"] as? [String: Any]
        return units?[member] as? [String: String] ?? [:]
    }

    /// Runs one hook by name, such as `website-relation-changed` with its relation and remote unit.
    func hook(_ name: String, relation: Int? = nil, remoteUnit: String? = nil) throws {
        var arguments = ["hook", name]
        if let relation { arguments += ["--relation", String(relation)] }
        if let remoteUnit { arguments += ["--remote-unit", remoteUnit] }
        let output = try sim(arguments)
        guard output.succeeded else { throw TestFailure("hook \(name) failed: \(output.stdout) \(output.stderr)") }
    }

    /// The hook tool calls the last hook made (from the sim's history).
    func lastHookToolCalls() throws -> [String] {
        let output = try sim(["history", "--format", "json"])
        let history = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]]
        return history?.last?["tool-calls"] as? [String] ?? []
    }

    /// Removes the unit and whatever it left, and puts daemon.json back as it was.
    func tearDown() {
        _ = try? sim(["remove"])
        _ = try? shell("docker", ["rm", "-f", "registry"])
        if let daemonJSONBackup {
            _ = FileManager.default.createFile(atPath: "/etc/docker/daemon.json", contents: daemonJSONBackup)
        } else {
            try? FileManager.default.removeItem(atPath: "/etc/docker/daemon.json")
        }
        try? FileManager.default.removeItem(at: root)
    }
}

/// A test-harness failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension CharmUnderTest {
    /// Runs `charm-sim <arguments>` in the background and SIGKILLs the hook as soon as `reached` holds.
    ///
    /// The hook is the charm binary, which charm-sim runs as `dispatch` (a link to it) in the unit's copy of the
    /// charm. Polls every 20 ms for up to 30 s, then waits for charm-sim to end. Returns whether the hook was killed
    /// (false: it finished first).
    func killHook(_ arguments: [String], when reached: () throws -> Bool) throws -> Bool {
        let sim = Process()
        sim.executableURL = URL(fileURLWithPath: Self.simBinary)
        sim.arguments = ["--state-dir", stateDirectory.path] + arguments
        sim.standardOutput = FileHandle.nullDevice
        sim.standardError = FileHandle.nullDevice
        try sim.run()
        defer { if sim.isRunning { kill(sim.processIdentifier, SIGKILL) } }
        let binary = stateDirectory.appendingPathComponent("agents/unit-docker-registry-0/charm/dispatch").path
        var killed = false
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, sim.isRunning {
            if try reached() {
                killed = try shell("pkill", ["-KILL", "-f", binary]).succeeded
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        sim.waitUntilExit()
        return killed
    }
}
