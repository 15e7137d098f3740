import FoundationEssentials
import JujuKit

/// The charm's own log of ``ServingWarning``s, `/var/log/docker-registry/charm.log`: one JSON object a line, where
/// the collector's `/var/log/**/*log` receiver reads it and the `cos-agent` log alert rules match the `check` field.
///
/// A line is appended for each warning at the end of each hook that finds the registry serving (`update-status`
/// every 5 minutes by default), so an alert holds while the condition does and ends within the rules' window once
/// it is gone. Nothing is written while all is well. The file is started afresh when it is over ``limit``: the
/// collector has read what it held.
struct HealthLog {
    /// One line.
    struct Line: Encodable, Equatable {
        var time: String
        var level: String
        var unit: String
        var check: String
        var message: String
        var not_after: String?
        var free_bytes: Int64?
        var size_bytes: Int64?
        var path: String?
    }

    /// The file's name in the log directory.
    static let fileName = "charm.log"
    /// Bytes over which the file starts afresh: 1 MiB (some 4,000 lines, two weeks of one warning).
    static let limit = 1 << 20

    let files: any FileSystem
    let paths: HostPaths

    /// The file's path.
    var path: String { Path.join(paths.logDirectory, Self.fileName) }

    /// The line for `warning`, as the rules match it: `"check":"<check>"` (keys sorted, no spaces).
    static func line(_ warning: ServingWarning, unit: String, now: Date) -> Line {
        Line(
            time: UTCTime.format(now),
            level: warning.check == .certificateExpired ? "error" : "warning",
            unit: unit,
            check: warning.check.rawValue,
            message: warning.statusNote,
            not_after: warning.notAfter.map(UTCTime.format),
            free_bytes: warning.space?.free,
            size_bytes: warning.space?.size,
            path: warning.directory
        )
    }

    /// The text of `line` in the file, newline included.
    static func encoded(_ line: Line) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(line)) + [0x0A]
    }

    /// Appends one line per warning; nothing when there is none.
    func record(_ warnings: [ServingWarning], unit: String, now: Date) throws {
        guard !warnings.isEmpty else { return }
        var text: [UInt8] = []
        for warning in warnings { text += try Self.encoded(Self.line(warning, unit: unit, now: now)) }
        if let size = files.size(of: path), size > Self.limit { try files.remove(path) }
        try files.append(path, text, mode: .publicReadable)
    }
}
