import Foundation

/// Golden files under `Tests/RegistryCharmTests/Fixtures`; `UPDATE_GOLDEN=1` rewrites them from the current output.
enum RenderGolden {
    /// The fixtures directory in the source tree.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures", isDirectory: true)

    /// Whether this run rewrites the golden files.
    static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// The path of fixture `name`.
    static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name + ".yml")
    }

    /// The stored text of fixture `name`, after writing `actual` there first when updating.
    static func expected(_ name: String, actual: String) throws -> String {
        if updating {
            try Data(actual.utf8).write(to: url(name), options: .atomic)
        }
        return try String(contentsOf: url(name), encoding: .utf8)
    }
}
