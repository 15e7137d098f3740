import Foundation
import Testing

/// A proxy's `ingress-address` of `evil:x` never reaches `daemon.json`: a dockerd started with the file the charm
/// left comes up (a refused entry in `insecure-registries` would keep it down after the next reboot), and good
/// data back restores the proxied netloc.
@Suite("Relation addresses against a real dockerd", .serialized, .enabled(if: CharmUnderTest.enabled))
struct RelationAddressIntegrationTests {
    /// The flags the throw-away dockerd gets; keys of the same name are dropped from its copy of `daemon.json`
    /// (dockerd refuses a directive given both ways).
    static let flagKeys: Set<String> = [
        "hosts", "data-root", "exec-root", "pidfile", "bridge", "iptables", "ip6tables",
    ]

    @Test("a proxy at evil:x: hooks exit 0, a fresh dockerd starts with the daemon.json left, good data restores it")
    func evilProxyAddress() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let before = try charm.hookCount()
        let id = try charm.relate("website", "haproxy", unitData: ["ingress-address": "evil:x"])
        #expect(try charm.failedHooks(since: before).isEmpty)
        let status = try charm.unitStatus()
        #expect(!status.message.contains("evil"), "\(status.message)")
        let daemonJSON = try #require(FileManager.default.contents(atPath: "/etc/docker/daemon.json"))
        #expect(!String(decoding: daemonJSON, as: UTF8.self).contains("evil"))
        try Self.expectDockerdStarts(with: daemonJSON)

        let fixed = try charm.sim(["set-relation-data", String(id), "haproxy/0", "ingress-address=127.0.0.1"])
        #expect(fixed.succeeded, "\(fixed.stderr)")
        #expect(try charm.failedHooks(since: before).isEmpty)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http, proxied).")
        #expect(try charm.unitStatus().state == "active")
    }

    /// Starts a dockerd of its own (own data and exec roots, socket, pid file; no bridge, no iptables) with
    /// `daemonJSON`, waits until `docker info` answers on its socket, then kills it.
    static func expectDockerdStarts(with daemonJSON: Data) throws {
        let directory = URL(fileURLWithPath: "/tmp/drt-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var settings = try JSONSerialization.jsonObject(with: daemonJSON) as? [String: Any] ?? [:]
        for key in flagKeys { settings[key] = nil }
        let config = directory.appendingPathComponent("daemon.json")
        try JSONSerialization.data(withJSONObject: settings).write(to: config)
        let socket = directory.appendingPathComponent("d.sock").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "dockerd", "--config-file", config.path,
            "--data-root", directory.appendingPathComponent("data").path,
            "--exec-root", directory.appendingPathComponent("exec").path,
            "-H", "unix://\(socket)", "--pidfile", directory.appendingPathComponent("d.pid").path,
            "--bridge=none", "--iptables=false", "--ip6tables=false",
        ]
        let log = directory.appendingPathComponent("dockerd.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        defer {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
        let answered = eventually(60) {
            guard process.isRunning else { return false }
            return (try? shell("docker", ["-H", "unix://\(socket)", "info"]))?.succeeded == true
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(answered, "dockerd did not start with the charm's daemon.json: \(text.suffix(2000))")
    }
}
