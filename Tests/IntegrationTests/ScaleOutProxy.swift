import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One real haproxy in the root namespace built from the leader's `services` stanza (``HAProxyHarness``'s rules),
/// listening where the stanza says haproxy listens (`service_port`) on the bridge's host-side address, which every
/// test host reaches, with a stats socket to read the servers' check states.
final class ScaleOutProxy {
    let directory: URL
    let address: String
    let port: Int
    private let process: Process

    init(services: String, address: String, port: Int) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("haproxy-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.address = address
        self.port = port
        let base = try HAProxyHarness.configuration(services: services, listenPort: port)
        var lines: [String] = []
        for line in base.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("    bind ") { continue }
            lines.append(String(line))
            if line == "global" { lines.append("    stats socket \(directory.path)/stats.sock mode 600 level admin") }
            if line.hasPrefix("frontend ") { lines.append("    bind \(address):\(port)") }
        }
        let file = directory.appendingPathComponent("haproxy.cfg")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let check = try shell("/usr/sbin/haproxy", ["-c", "-f", file.path])
        guard check.succeeded else { throw TestFailure("haproxy refused the configuration: \(check.stderr)") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/haproxy")
        process.arguments = ["-db", "-f", file.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// `server name → operational state` from `show servers state` (2 = up, 0 = down).
    func serverStates() throws -> [String: Int] {
        let script = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX)
            s.connect(sys.argv[1])
            s.sendall(b"show servers state\\n")
            print(s.makefile().read())
            """
        let output = try shell("python3", ["-c", script, directory.appendingPathComponent("stats.sock").path])
        var states: [String: Int] = [:]
        for line in output.stdout.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            // be_id be_name srv_id srv_name srv_addr srv_op_state …
            guard fields.count > 5, let state = Int(fields[5]) else { continue }
            states[String(fields[3])] = state
        }
        return states
    }

    /// Stops haproxy and removes its files.
    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Polls `GET <path>` on `host:port` every `interval` on its own thread, recording each answer's time and whether it
/// was a 200, until ``stop()``.
final class HTTPPoller: @unchecked Sendable {
    struct Sample {
        /// When the request was sent.
        var sent: Double
        /// When its answer (or its failure) came.
        var answered: Double
        /// Whether it was a 200.
        var served: Bool
    }

    private let lock = NSLock()
    private var samples: [Sample] = []
    private var running = true

    init(host: String, port: Int, path: String, interval: Double = 0.01) {
        let request = "GET \(path) HTTP/1.0\r\nHost: \(host):\(port)\r\n\r\n"
        Thread { [self] in
            while isRunning {
                let sent = Date().timeIntervalSince1970
                let served = Self.get(host: host, port: port, request: request)
                record(Sample(sent: sent, answered: Date().timeIntervalSince1970, served: served))
                Thread.sleep(forTimeInterval: interval)
            }
        }.start()
    }

    private var isRunning: Bool { lock.withLock { running } }
    private func record(_ sample: Sample) { lock.withLock { samples.append(sample) } }

    /// Every sample so far.
    var recorded: [Sample] { lock.withLock { samples } }

    /// Stops polling and returns every sample.
    func stop() -> [Sample] {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.1)
        return recorded
    }

    /// One HTTP/1.0 request over a fresh TCP connection (2 s timeouts); true when the status is 200.
    static func get(host: String, port: Int, request: String) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return false }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return false }
        let bytes = Array(request.utf8)
        guard send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else { return false }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        guard count > 12 else { return false }
        let line = String(decoding: buffer[0..<count], as: UTF8.self)
        return line.hasPrefix("HTTP/1.0 200") || line.hasPrefix("HTTP/1.1 200")
    }
}

/// What a failover looked like to a client polling through haproxy.
struct FailoverTrace {
    /// Seconds from sending the first failed request to the answer of the first served one after it.
    var failover: Double
    /// Requests that failed in that window.
    var failedRequests: Int
    /// Requests made in all.
    var requests: Int

    /// The trace of `samples`, or nil when no failure was followed by a served request.
    init?(_ samples: [HTTPPoller.Sample]) {
        guard let firstFailure = samples.firstIndex(where: { !$0.served }),
            let recovery = samples[firstFailure...].firstIndex(where: \.served)
        else { return nil }
        failover = samples[recovery].answered - samples[firstFailure].sent
        failedRequests = samples[firstFailure..<recovery].count
        requests = samples.count
    }
}
