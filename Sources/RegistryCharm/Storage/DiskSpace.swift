#if canImport(Glibc)
    import Glibc
#endif

/// The space of the file system a path is on.
public struct DiskSpace: Sendable, Equatable {
    /// Bytes an unprivileged writer may still use.
    public var free: Int64
    /// The file system's size in bytes.
    public var size: Int64

    /// Creates a reading.
    public init(free: Int64, size: Int64) {
        self.free = free
        self.size = size
    }

    /// `statvfs(path)`, or `nil` when it fails (no such path).
    public static func of(_ path: String) -> DiskSpace? {
        var stats = statvfs()
        guard statvfs(path, &stats) == 0 else { return nil }
        let unit = Int64(stats.f_frsize)
        return DiskSpace(free: Int64(stats.f_bavail) * unit, size: Int64(stats.f_blocks) * unit)
    }

    /// Below this much free space the registry's storage is reported as nearly full: 256 MiB, or 5 % of a smaller
    /// file system.
    public var warningThreshold: Int64 { min(256 << 20, size / 20) }

    /// Whether pushes are about to fail for want of space.
    public var isNearlyFull: Bool { free < warningThreshold }

    /// `12.3 MiB`-style text for statuses.
    public static func text(_ bytes: Int64) -> String {
        let mebibytes = Double(bytes) / Double(1 << 20)
        if mebibytes >= 1024 { return "\(Double(Int(mebibytes / 1024 * 10)) / 10) GiB" }
        return "\(Double(Int(mebibytes * 10)) / 10) MiB"
    }
}
