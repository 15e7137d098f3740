import JujuKit

/// The files the registry container reads, computed from config before anything is written.
struct RegistryFiles {
    /// One file the charm owns: its path, content (nil = must not exist) and mode.
    struct Entry {
        var path: String
        var content: [UInt8]?
        var mode: FileMode
        /// Where the container sees it, when it is mounted.
        var mountTarget: String?
        /// Whether the registry container reads it when it starts (a change then re-creates the container).
        var readAtStart = true
    }

    var entries: [Entry] = []

    /// Whether the registry serves TLS.
    var tlsEnabled = false
    /// Whether the registry requires client certificates (a CA is configured).
    var clientCertificatesRequired = false

    /// What ``apply(to:)`` changed: enough to put every file back as it was.
    struct Applied {
        /// Each path touched, with its content and mode before (content `nil`: there was no file).
        var previous: [(path: String, content: [UInt8]?, mode: FileMode)] = []
        /// Paths where a directory stood in place of a file (dockerd makes one at a missing bind-mount source); it
        /// was removed and the file written again.
        var healed: [String] = []

        /// Whether any file changed.
        var changed: Bool { !previous.isEmpty }
    }

    /// Writes every present entry that differs and removes the absent ones, all or nothing: when one write fails,
    /// the files already written are put back before the error is thrown.
    ///
    /// An empty directory where a file belongs (dockerd creates one when a bind-mount source is missing as the
    /// container starts) is removed first; a directory that is not empty is left alone and the apply fails.
    func apply(to files: any FileSystem) throws(FileSystemError) -> Applied {
        var applied = Applied()
        do throws(FileSystemError) {
            for entry in entries {
                if files.isDirectory(entry.path) {
                    try files.remove(entry.path)
                    applied.previous.append((entry.path, nil, entry.mode))
                    if entry.content != nil { applied.healed.append(entry.path) }
                }
                let before = try files.read(entry.path)
                let mode = files.mode(of: entry.path) ?? entry.mode
                if let content = entry.content {
                    guard before != content || mode != entry.mode else { continue }
                    applied.previous.append((entry.path, before, mode))
                    try files.write(entry.path, content, mode: entry.mode)
                } else if files.exists(entry.path) {
                    applied.previous.append((entry.path, before, mode))
                    try files.remove(entry.path)
                }
            }
        } catch {
            undo(applied, on: files)
            throw error
        }
        return applied
    }

    /// Puts back what ``apply(to:)`` changed, newest change first; best effort (a failure here leaves the file as
    /// the failed step made it, and the next hook writes it again).
    func undo(_ applied: Applied, on files: any FileSystem) {
        for change in applied.previous.reversed() {
            if let content = change.content {
                try? files.write(change.path, content, mode: change.mode)
            } else {
                try? files.remove(change.path)
            }
        }
    }

    /// The planned content of the file at `path`, `nil` when it is absent or not one of these files.
    func content(at path: String) -> [UInt8]? {
        entries.last { $0.path == path }?.content
    }

    /// What clients trust the registry with: the CA when there is one, else the certificate itself (enough for a
    /// self-signed one).
    func trustAnchor(_ tls: TLSOptions) -> [UInt8]? {
        content(at: tls.caPath) ?? content(at: tls.certificatePath)
    }

    /// The read-only bind mounts of the present files that the container needs.
    var mounts: [Mount] {
        entries.compactMap { entry in
            guard entry.content != nil, let target = entry.mountTarget else { return nil }
            return Mount(source: entry.path, target: target, readOnly: true)
        }
    }

    /// A digest over every file the registry reads at start (the environment file included, though not mounted).
    func inputsDigest() -> String {
        ContainerDigest.inputs(
            entries.filter(\.readAtStart).map { (name: $0.path, content: $0.content) },
            digest: ContainerDigest.sha256Hex
        )
    }
}
