/// A file that says the status Juju shows may not be the one recorded in the unit state.
///
/// `status-set` takes effect at once, but the unit state is committed only when the hook succeeds. A hook that sets
/// a progress status and then fails leaves Juju showing that status while the state still records the one before,
/// so "the same as last time, skip `status-set`" would keep the stale message forever. The marker is written
/// before any `status-set` and removed once the hook's state is committed; while it exists, the next hook sets its
/// status whatever the state says. Checking it costs one `stat`; an idle hook writes nothing.
public struct StatusMarker: Sendable {
    /// The marker's path (in the unit's charm directory, which only this unit's agent uses).
    public let path: String
    /// The file system.
    public let files: any FileSystem

    /// Creates a marker at `path`.
    public init(path: String, files: any FileSystem) {
        self.path = path
        self.files = files
    }

    /// The marker for the charm in `charmDirectory`.
    public static func inCharm(_ charmDirectory: String, files: any FileSystem) -> StatusMarker {
        StatusMarker(path: Path.join(charmDirectory, ".status-unconfirmed"), files: files)
    }

    /// Whether a hook set a status and did not confirm it.
    public var isSet: Bool { files.exists(path) }

    /// Writes the marker (before a `status-set`).
    public func set() throws(FileSystemError) {
        if !isSet { try files.write(path, [], mode: .ownerOnly) }
    }

    /// Removes the marker (after the hook's state is committed).
    public func clear() throws(FileSystemError) {
        if isSet { try files.remove(path) }
    }
}
