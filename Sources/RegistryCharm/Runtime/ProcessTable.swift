public import JujuKit

/// Tells whether a process still runs, without asking docker: the registry's main process keeps its pid and start
/// time for as long as its container runs unrestarted.
public protocol ProcessTable: Sendable {
    /// The start time of the process `pid` (an opaque token that changes when the pid is reused), `nil` when there is
    /// no such process.
    func startTime(of pid: Int) -> String?

    /// The TCP ports something listens on (IPv4 or IPv6), as a read-only window waits for a registry to listen.
    func listeningPorts() -> Set<Int>
}

/// The machine's processes, read from `/proc/<pid>/stat`.
public struct ProcFileSystem: ProcessTable {
    /// Where `/proc` is read (the real file system on a unit).
    public let files: any FileSystem

    /// Creates a reader of `/proc` through `files`.
    public init(files: any FileSystem) {
        self.files = files
    }

    /// The `LISTEN` rows of `/proc/net/tcp` and `/proc/net/tcp6` (see ``ListeningPorts``).
    public func listeningPorts() -> Set<Int> {
        ListeningPorts.read(files)
    }

    /// Field 22 of `/proc/<pid>/stat`, the start time in clock ticks after boot.
    public func startTime(of pid: Int) -> String? {
        guard pid > 0, let bytes = try? files.read("/proc/\(pid)/stat") else { return nil }
        return Self.startTime(inStat: String(decoding: bytes, as: UTF8.self))
    }

    /// The start time in a `stat` line: the 20th field after the command name, which is in parentheses and may hold
    /// spaces and parentheses itself (so the fields start after the last `)`).
    public static func startTime(inStat line: String) -> String? {
        guard let close = line.lastIndex(of: ")") else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (the state); the start time is field 22.
        guard fields.count > 19, fields[19].allSatisfy(\.isNumber) else { return nil }
        return String(fields[19])
    }
}
