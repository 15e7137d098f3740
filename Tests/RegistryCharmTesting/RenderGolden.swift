public import Foundation

/// Golden files under `Tests/RegistryCharmTests/Fixtures`; `UPDATE_GOLDEN=1` rewrites them from the current output.
public enum RenderGolden {
    /// The fixtures directory in the source tree.
    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("RegistryCharmTests/Fixtures", isDirectory: true)

    /// Whether this run rewrites the golden files.
    public static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// The path of fixture `name`.
    public static func url(_ name: String) -> URL {
        directory.appendingPathComponent(name + ".yml")
    }

    /// The stored text of fixture `name`, after writing `actual` there first when updating.
    public static func expected(_ name: String, actual: String) throws -> String {
        if updating {
            try Data(actual.utf8).write(to: url(name), options: .atomic)
        }
        return try String(contentsOf: url(name), encoding: .utf8)
    }
}
