import Foundation
import Yams

/// A real haproxy configured from the `services` a charm publishes on the `website` relation, following the
/// haproxy charm's rules (legacy `hooks.py`): one frontend per service with `mode`, one backend named after the
/// service with the other options and the servers as `server <name> <ip>:<port> <options>`, the charm's default
/// timeouts.
///
/// One deviation: on this one machine the registry itself holds `service_port`, so the frontend binds
/// 127.0.0.1 and ::1 on `listenPort` instead of `service_host:service_port` (on a deployment haproxy has its own
/// machine).
final class HAProxyHarness {
    let directory: URL
    let listenPort: Int
    private var process: Process?

    init(services: String, listenPort: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.listenPort = listenPort
        let configuration = try Self.configuration(services: services, listenPort: listenPort)
        let file = directory.appendingPathComponent("haproxy.cfg")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let check = try shell("/usr/sbin/haproxy", ["-c", "-f", file.path])
        guard check.succeeded else {
            throw TestFailure("haproxy refused the configuration: \(check.stdout)\(check.stderr)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        process.arguments = ["-db", "-f", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// The haproxy configuration for `services` (a YAML list with one service).
    static func configuration(services: String, listenPort: Int) throws -> String {
        guard let list = try Yams.load(yaml: services) as? [[String: Any]], let service = list.first,
            let name = service["service_name"] as? String, let servers = service["servers"] as? [[Any]]
        else { throw TestFailure("services is not a list of services: \(services)") }
        let options = service["service_options"] as? [String] ?? []
        let mode = options.first { $0.hasPrefix("mode ") } ?? "mode http"
        let backendOptions = options.filter { !$0.hasPrefix("mode ") }
        var lines = [
            "global", "    maxconn 4096",
            "defaults", "    \(mode)", "    timeout queue 20000", "    timeout client 50000",
            "    timeout connect 5000", "    timeout server 50000",
            "frontend haproxy-\(service["service_port"] ?? listenPort)",
            "    bind 127.0.0.1:\(listenPort)", "    bind ipv6@::1:\(listenPort)", "    \(mode)",
            "    default_backend \(name)",
            "backend \(name)", "    \(mode)",
        ]
        lines += backendOptions.map { "    \($0)" }
        for server in servers {
            guard server.count == 4 else { throw TestFailure("a server is not [name, ip, port, options]: \(server)") }
            lines.append("    server \(server[0]) \(server[1]):\(server[2]) \(server[3])")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Stops haproxy and removes its files.
    func stop() {
        process?.terminate()
        process?.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}
