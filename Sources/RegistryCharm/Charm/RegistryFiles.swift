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
    }

    var entries: [Entry] = []

    /// Whether the registry serves TLS.
    var tlsEnabled = false
    /// Whether the registry requires client certificates (a CA is configured).
    var clientCertificatesRequired = false

    /// Writes every present entry that differs and removes the absent ones; returns whether anything changed.
    @discardableResult
    func apply(to files: any FileSystem) throws(FileSystemError) -> Bool {
        var changed = false
        for entry in entries {
            if let content = entry.content {
                changed = try files.update(entry.path, content, mode: entry.mode) || changed
            } else if files.exists(entry.path) {
                try files.remove(entry.path)
                changed = true
            }
        }
        return changed
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
        ContainerDigest.inputs(entries.map { (name: $0.path, content: $0.content) }, digest: ContainerDigest.sha256Hex)
    }
}
