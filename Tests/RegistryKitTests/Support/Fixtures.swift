import Foundation
import SystemLibraries

/// Temporary directories, files and random content for the archive tests.
enum Fixtures {
    /// A fresh empty directory under the system's temporary directory.
    static func directory(_ label: String) throws -> String {
        let path = NSTemporaryDirectory() + "registrykit-\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `bytes` to `path`, making its directory.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `count` random bytes.
    static func random(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// `sha256:<hex>` of `bytes`.
    static func digest(_ bytes: [UInt8]) -> String { "sha256:" + SHA256.hex(bytes) }

    /// `value` as JSON with sorted keys.
    static func json(_ value: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// Runs `tool` with `arguments`; returns its exit status and standard output (standard error joined).
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// Whether `path` is an executable file.
    static func exists(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Whether a docker daemon answers.
    static let dockerRuns: Bool = {
        guard exists("/usr/local/bin/docker") || exists("/usr/bin/docker") else { return false }
        return (try? run(dockerPath, ["info"]).status) == 0
    }()

    /// The docker client.
    static var dockerPath: String { exists("/usr/local/bin/docker") ? "/usr/local/bin/docker" : "/usr/bin/docker" }
}
