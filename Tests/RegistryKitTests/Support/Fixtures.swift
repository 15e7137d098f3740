import Foundation
import RegistryKitTesting

/// Temporary directories, files and random content for the archive tests.
enum Fixtures {
    /// A fresh empty directory under the system's temporary directory.
    static func directory(_ label: String) throws -> String { try TestFiles.temporaryDirectory(label) }

    /// Writes `bytes` to `path`, making its directory.
    static func write(_ bytes: [UInt8], to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// `count` random bytes.
    static func random(_ count: Int) -> [UInt8] { TestLayout.randomBytes(count) }

    /// `sha256:<hex>` of `bytes`.
    static func digest(_ bytes: [UInt8]) -> String { TestFiles.sha256(bytes) }

    /// `value` as JSON with sorted keys.
    static func json(_ value: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// Runs `tool` with `arguments`; returns its exit status and standard output (standard error joined).
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try TestFiles.run(tool, arguments)
        return (result.status, String(decoding: result.output, as: UTF8.self) + result.errorText)
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
