/// What an archive holds, read once when it is opened: its top-level images with the names the archive gives them,
/// and where each manifest and blob is.
struct ArchiveCatalogue: Sendable {
    /// One image of the archive's top level, with its names as written.
    struct Entry: Sendable {
        /// The top manifest or index.
        var descriptor: Descriptor
        /// `io.containerd.image.name` (a full reference).
        var containerdName: String?
        /// `org.opencontainers.image.ref.name` (a tag or a reference).
        var refName: String?
        /// A docker save's `RepoTags` (references).
        var repoTags: [String]?
    }

    /// The top-level images, in archive order.
    var entries: [Entry]
    /// Manifests made in memory (for a docker save's images), by digest.
    var madeManifests: [String: [UInt8]] = [:]
    /// Files named by digest elsewhere than `blobs/<algorithm>/<hex>` (a docker save's configs and layers).
    var blobFiles: [String: String] = [:]
    /// Whether blobs lie at `blobs/<algorithm>/<hex>` (an OCI layout).
    var hasBlobsDirectory: Bool

    /// The file holding the blob or manifest `digest`, if the archive may hold it.
    func file(of digest: String) -> String? {
        if let name = blobFiles[digest] { return name }
        guard hasBlobsDirectory, ImageReference.isValidDigest(digest) else { return nil }
        let parts = digest.split(separator: ":", maxSplits: 1)
        return "blobs/\(parts[0])/\(parts[1])"
    }

    /// The media type the top level gives the manifest `digest`, if it lists it.
    func mediaType(of digest: String) -> String? {
        entries.first { $0.descriptor.digest == digest }?.descriptor.mediaType
    }
}
