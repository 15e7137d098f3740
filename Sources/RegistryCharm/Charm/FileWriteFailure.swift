import JujuKit

/// Writing the registry's files failed (and what was written was put back): a full or read-only file system.
///
/// The hook does not fail for it: the unit blocks saying which file system and how much the files need, the
/// registry keeps serving its last configuration, and the next hook (`update-status` too) tries again.
struct FileWriteFailure: Error, CustomStringConvertible {
    /// The directory whose file system refused the write.
    var directory: String
    /// What the file system said.
    var error: FileSystemError
    /// The bytes of the files the charm was writing there.
    var neededBytes: Int
    /// The space left there, if it could be read.
    var space: DiskSpace?

    /// Whether the file system is full (`ENOSPC`) or over quota (`EDQUOT`).
    var isNoSpace: Bool {
        if case .systemCall(_, _, let code) = error { return code == 28 || code == 122 }
        return false
    }

    /// The sentence the status shows.
    var description: String {
        let free = space.map { ", \(DiskSpace.text($0.free)) free" } ?? ""
        if isNoSpace {
            return "No space left on the file system of \(directory)\(free): the registry's files need"
                + " \(DiskSpace.text(Int64(neededBytes))); free some space there. The registry keeps serving its last"
                + " configuration; the next hook retries."
        }
        return "Could not write the registry's files in \(directory): \(error). The registry keeps serving its last"
            + " configuration; the next hook retries."
    }
}
