import Foundation
public import JujuKit

#if canImport(Glibc)
    import Glibc
#endif

/// Helpers for the tests of this area that drive real programs (openssl, easy-rsa, htpasswd, docker, the registry).
public enum DockerTestShell {
    /// Runs a program through the charm's own process runner; throws when it exits non-zero.
    @discardableResult
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: String? = nil,
        environment: [String: String] = [:]
    ) async throws -> String {
        let command = Command(executable, arguments, input: input.map { Array($0.utf8) }, environment: environment)
        return try await SubprocessRunner().output(command)
    }

    /// Runs a program and returns its result whatever the exit code.
    public static func result(_ executable: String, _ arguments: [String], input: String? = nil) async throws
        -> CommandResult
    {
        try await SubprocessRunner().run(Command(executable, arguments, input: input.map { Array($0.utf8) }))
    }

    /// A new empty directory under the system's temporary directory.
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Whether an executable file exists at `path`.
    public static func exists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Reads a file as bytes.
    public static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Writes text to a file.
    public static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    public static func freePort() -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
                }
            }
            if bound { return Int(UInt16(bigEndian: address.sin_port)) }
        #endif
        return Int.random(in: 30_000..<40_000)
    }

    /// The HTTP status of `GET url` by curl, with credentials (if any) given on stdin, never on argv.
    public static func httpStatus(_ url: String, user: String? = nil, password: String? = nil) async throws -> Int {
        var config = "silent\noutput = \"/dev/null\"\nwrite-out = \"%{http_code}\"\nmax-time = 5\n"
        if let user, let password {
            let quoted = "\(user):\(password)".replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"")
            config += "user = \"\(quoted)\"\n"
        }
        let result = try await result("curl", ["-K", "-", url], input: config)
        return Int(result.standardOutput.trimmingWhitespace()) ?? 0
    }
}
