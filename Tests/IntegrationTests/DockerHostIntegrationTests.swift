import Foundation
import Glibc
import JujuKit
import Testing

@testable import RegistryCharm

/// Reload against the machine's real dockerd.
///
/// CI sets `CHARM_INTEGRATION=1` and runs dockerd by hand (no systemd), so the reload goes through `kill -HUP` of `/var/run/docker.pid`. It is not run where systemd manages dockerd, so that a
/// developer's daemon is never reconfigured by a test.
///
/// Every test that changes `/etc/docker/daemon.json` (this one, the charm-sim integration tests) must hold
/// `DaemonJSONLock` meanwhile: otherwise two writers race and both see the other's file.
@Suite(
    "DockerHost integration",
    .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["CHARM_INTEGRATION"] == "1", "needs CHARM_INTEGRATION=1"),
    .enabled(if: !FileManager.default.fileExists(atPath: "/run/systemd/system"), "dockerd must not be under systemd")
)
struct DockerHostIntegrationTests {
    let files = LocalFileSystem()
    let runner = SubprocessRunner()
    let paths = HostPaths()
    let probe = "127.0.0.1:5999"

    var host: DockerHost {
        DockerHost(
            runner: runner,
            files: files,
            paths: paths,
            answerTimeout: .seconds(30),
            pollInterval: .milliseconds(200)
        )
    }

    func pid() throws -> String {
        String(decoding: try files.read(paths.dockerPIDFile) ?? [], as: UTF8.self).trimmingWhitespace()
    }

    /// Whether dockerd's live registry configuration lists `probe`.
    func dockerdTrustsProbe() async throws -> Bool {
        let json = try await runner.output(
            Command("docker", ["info", "--format", "{{json .RegistryConfig.IndexConfigs}}"])
        )
        let indexes = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
        return indexes[probe] != nil
    }

    /// Polls until `trusted` matches, for up to ten seconds (a reload is asynchronous to its signal).
    func waitUntil(trusted: Bool) async throws -> Bool {
        for _ in 0..<50 {
            if try await dockerdTrustsProbe() == trusted { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    @Test func insecureRegistriesAreAppliedBySIGHUPWithoutRestartingDockerd() async throws {
        let lock = try await DaemonJSONLock.acquire()
        defer { lock.release() }
        #expect(await host.isAnswering())
        let pidBefore = try pid()
        let original = try files.read(paths.daemonJSON)
        let operatorOptions = try #require(DaemonConfiguration.parse(original), "daemon.json is not a json object")
        try #require(!(try await dockerdTrustsProbe()), "dockerd already trusts \(probe)")
        // The machine's own options (whoever wrote them) stay as daemon-opts: the only change is the probe entry.
        let settings = DockerHostSettings(runtime: .apt, daemonOptions: operatorOptions)
        var withoutKey = operatorOptions
        withoutKey["insecure-registries"] = nil

        var failure: (any Error)?
        do {
            #expect(try await host.applyDaemonConfiguration(settings, insecureRegistries: [probe]) == .reloaded)
            #expect(try await waitUntil(trusted: true), "dockerd did not pick up \(probe)")
            #expect(try pid() == pidBefore)

            // Why the charm always writes the key: without it a reload keeps the running list.
            try files.write(paths.daemonJSON, DaemonConfiguration.serialise(withoutKey), mode: .publicReadable)
            try await host.reload()
            try await Task.sleep(for: .seconds(2))
            #expect(try await dockerdTrustsProbe(), "an absent insecure-registries key reset the list on reload")

            #expect(try await host.applyDaemonConfiguration(settings, insecureRegistries: []) == .reloaded)
            #expect(try await waitUntil(trusted: false), "dockerd still trusts \(probe)")
            #expect(try await host.applyDaemonConfiguration(settings, insecureRegistries: []) == .unchanged)
            #expect(try pid() == pidBefore)
        } catch {
            failure = error
        }

        // Put the machine back as it was.
        if let original {
            try files.write(paths.daemonJSON, original, mode: .publicReadable)
        } else {
            try files.remove(paths.daemonJSON)
        }
        try await host.reload()
        #expect(try pid() == pidBefore)
        if let failure { throw failure }
    }
}

/// An exclusive `flock` on `/tmp/docker-registry-charm-daemon-json.lock`, shared by every test process that
/// rewrites the machine's `daemon.json`.
struct DaemonJSONLock {
    static let path = "/tmp/docker-registry-charm-daemon-json.lock"
    let descriptor: Int32

    /// Waits (polling, so no thread is blocked) up to fifteen minutes for the lock.
    static func acquire() async throws -> DaemonJSONLock {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        try #require(descriptor >= 0, "cannot open \(path): errno \(errno)")
        for _ in 0..<1800 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return DaemonJSONLock(descriptor: descriptor) }
            try await Task.sleep(for: .milliseconds(500))
        }
        close(descriptor)
        throw CommandError.failed(command: "flock \(path)", exitCode: 1, message: "held for fifteen minutes")
    }

    /// Releases the lock.
    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
