import Foundation
import Glibc

/// Runs Debian's registry binary and the tools the real-registry tests need (openssl, curl), on loopback only.
enum RealRegistry {
    static let binary = "/usr/bin/docker-registry"

    /// A clean environment: no proxies, no `AWS_CA_BUNDLE` (the s3 driver chokes on it) or other host settings.
    static func environment(home: String) -> [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": home]
    }

    /// A loopback TCP port nobody listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ToolError.failed("socket", errno) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw ToolError.failed("bind", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `tool` to completion; stdout and stderr together.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment(home: directory?.path ?? "/tmp")
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Runs openssl in `directory`, failing on a non-zero exit.
    static func openssl(_ arguments: [String], in directory: URL) throws {
        let (status, output) = try run("/usr/bin/openssl", arguments, in: directory)
        guard status == 0 else { throw ToolError.output("openssl \(arguments.first ?? "")", output) }
    }

    /// A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files in `directory`:
    /// `ca.crt`, `registry.crt`, `registry.key`, `client.crt`, `client.key`.
    static func makeCertificates(in directory: URL) throws {
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca", "-days", "2"],
            in: directory
        )
        try Data("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".utf8)
            .write(to: directory.appendingPathComponent("server.ext"))
        try Data("extendedKeyUsage=clientAuth\n".utf8).write(to: directory.appendingPathComponent("client.ext"))
        for (name, subject) in [("registry", "/CN=127.0.0.1"), ("client", "/CN=client")] {
            try openssl(
                ["req"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject],
                in: directory
            )
            let ext = name == "registry" ? "server.ext" : "client.ext"
            try openssl(
                [
                    "x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", "\(name).crt", "-days", "2", "-extfile", ext,
                ],
                in: directory
            )
        }
    }

    /// An HTTP answer as curl printed it.
    struct Answer {
        var status: Int
        var headers: [String: String]
        var body: String

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// `GET url` with curl (2 s limit); `nil` when nothing answered.
    static func get(_ url: String, _ options: [String] = []) throws -> Answer? {
        let (status, output) = try run(
            "/usr/bin/curl",
            ["-s", "-i", "--max-time", "2", "--noproxy", "*"] + options + [url]
        )
        guard status == 0 else { return nil }
        // The last header block (curl prints one per response).
        let blocks = output.components(separatedBy: "\r\n\r\n")
        guard let headerIndex = blocks.lastIndex(where: { $0.hasPrefix("HTTP/") }) else { return nil }
        let lines = blocks[headerIndex].components(separatedBy: "\r\n")
        let statusCode = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        return Answer(
            status: statusCode,
            headers: headers,
            body: blocks[(headerIndex + 1)...].joined(separator: "\r\n\r\n")
        )
    }

    enum ToolError: Error, CustomStringConvertible {
        case failed(String, Int32)
        case output(String, String)

        var description: String {
            switch self {
            case .failed(let call, let code): return "\(call) failed with errno \(code)"
            case .output(let tool, let output): return "\(tool) failed: \(output)"
            }
        }
    }
}

/// A registry process serving one config file, with its output in a log file.
final class RegistryProcess {
    let process = Process()
    let log: URL

    init(config: URL, directory: URL) throws {
        log = directory.appendingPathComponent("registry.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.executableURL = URL(fileURLWithPath: RealRegistry.binary)
        process.arguments = ["serve", config.path]
        process.environment = RealRegistry.environment(home: directory.path)
        process.currentDirectoryURL = directory
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var output: String {
        (try? String(contentsOf: log, encoding: .utf8)) ?? ""
    }

    var isRunning: Bool { process.isRunning }

    /// Stops the registry (SIGTERM, then SIGKILL after 5 s).
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
