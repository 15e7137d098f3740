public import SystemLibraries

/// Images read from an archive on disk, for sites with no route out.
///
/// The archive is an OCI image layout directory, an OCI archive tar (`skopeo copy … oci-archive:file.tar:name:tag`),
/// or a `docker save` tar, old (docker before 25: a `manifest.json` and `<id>/layer.tar` files, for which OCI image
/// manifests are made) or new (an OCI layout with a `manifest.json`, whose `index.json` is read). Tars must be
/// uncompressed.
///
/// ``images()`` names each image of the archive's top level this way:
/// - an `io.containerd.image.name` annotation is a full reference: its repository and tag
///   (`docker.io/library/busybox:1.36` is `library/busybox`, `1.36`);
/// - else an `org.opencontainers.image.ref.name` annotation holding `/`, `:` or `@` is read as a reference the
///   same way (`busybox:1.36`, `quay.io/calico/node:v3.28.0`);
/// - else that annotation is a tag, of a repository made from the archive's file name (without `.tar`-like
///   extensions such as `.tar` and `.oci`, lower-cased, made valid: `Calico Node.oci.tar` gives `calico-node`);
/// - a docker save's `RepoTags` are references, one image each;
/// - with no name at all, the image is the file-name repository's, by digest only.
///
/// Tags starting with `sha256-` (cosign signatures, attestations, referrers tags) are not listed: they are
/// ``attachmentTags(_:on:)``, which travel with the image they name. Manifests are checked against their digests
/// when read, blobs while they are read; nothing is held in memory beyond a manifest.
public final class ArchiveSource: ImageSource {
    /// What kind of archive a source reads.
    public enum Format: Sendable, Equatable {
        /// An OCI image layout directory.
        case ociLayout
        /// An OCI image layout in a tar (an OCI archive, or docker ≥ 25's `docker save`).
        case ociArchive
        /// A `docker save` of docker before 25.
        case dockerSave
    }

    /// The largest manifest read (4 MiB, as registries allow).
    static let manifestLimit = 4 << 20

    /// The archive's path.
    public let path: String
    /// What kind of archive it is.
    public let format: Format
    /// The repository of images the archive names by a bare tag or not at all (from the file name).
    public let fallbackRepository: String
    private let contents: any ArchiveContents
    private let catalogue: ArchiveCatalogue

    /// Opens the archive at `path` and reads its index (a docker save's files are hashed, once).
    public init(path: String) throws(MirrorError) {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        let file: ReadOnlyFile
        do {
            file = try ReadOnlyFile(path: trimmed)
        } catch {
            throw .archive(path: trimmed, reason: error.description)
        }
        let contents: any ArchiveContents
        if file.isDirectory {
            contents = DirectoryContents(path: trimmed)
        } else {
            try Self.refuseCompressed(file)
            contents = TarContents(file: file, index: try TarReader.index(of: file))
        }
        if try OCILayoutReader.recognises(contents) {
            format = file.isDirectory ? .ociLayout : .ociArchive
            catalogue = try OCILayoutReader.catalogue(contents)
        } else if try DockerSaveReader.recognises(contents) {
            format = .dockerSave
            catalogue = try DockerSaveReader.catalogue(contents)
        } else {
            throw .archive(
                path: trimmed,
                reason:
                    "it holds neither an OCI image layout (oci-layout, index.json) nor a docker save (manifest.json)"
            )
        }
        self.path = trimmed
        self.contents = contents
        self.fallbackRepository = ArchiveNaming.repository(fromPath: trimmed)
    }

    /// The images the archive holds, in its order (see the type's documentation for how they are named).
    public func images() throws(MirrorError) -> [ArchiveImage] {
        try allImages().filter { !($0.tag ?? "").hasPrefix("sha256-") }
    }

    /// The archive's path.
    public var name: String { path }

    /// `ImageSource`: a digest the archive holds names itself; a tag is looked up in ``images()``, an attachment
    /// tag (`sha256-…`) in any repository of the archive.
    public func resolve(_ repository: String, _ reference: String, on connection: HTTPConnection)
        throws(MirrorError) -> String?
    {
        if ImageReference.isValidDigest(reference) {
            return try holdsManifest(reference) ? reference : nil
        }
        let images = try allImages()
        if let image = images.first(where: { $0.repository == repository && $0.tag == reference }) {
            return image.digest
        }
        guard reference.hasPrefix("sha256-") else { return nil }
        return images.first { $0.tag == reference }?.digest
    }

    /// `ImageSource`: the manifest `digest` from the archive, its bytes checked against the digest.
    public func manifest(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> ManifestDocument?
    {
        if let made = catalogue.madeManifests[digest] {
            return try ManifestDocument(bytes: made, contentType: MediaTypes.ociManifest)
        }
        guard let file = catalogue.file(of: digest), try contents.contains(file) else { return nil }
        try requireSHA256(digest, what: "manifest")
        let bytes = try contents.bytes(of: file, limit: Self.manifestLimit)
        let actual = "sha256:" + SHA256.hex(bytes)
        guard actual == digest else { throw .digestMismatch(expected: digest, actual: actual) }
        return try ManifestDocument(bytes: bytes, contentType: catalogue.mediaType(of: digest))
    }

    /// `ImageSource`: the blob's file region, read a mebibyte at most at a time and checked as it is read.
    public func openBlob(
        _ repository: String,
        _ descriptor: Descriptor,
        counting progress: MirrorProgress,
        on connection: HTTPConnection
    ) throws(MirrorError) -> any BlobReader {
        try requireSHA256(descriptor.digest, what: "blob")
        guard let file = catalogue.file(of: descriptor.digest), let region = try contents.region(file) else {
            throw .archive(path: path, reason: "it holds no blob \(descriptor.digest)")
        }
        guard region.size == descriptor.size else {
            throw .archive(
                path: path,
                reason: "blob \(descriptor.digest) is \(region.size) bytes, not the \(descriptor.size) its "
                    + "descriptor gives"
            )
        }
        return ArchiveBlobReader(region, descriptor: descriptor, progress: progress, archive: path)
    }

    /// `ImageSource`: the archive's tags that start with `sha256-`, whatever repository they are named in.
    public func attachmentTags(_ repository: String, on connection: HTTPConnection) throws(MirrorError)
        -> Set<String>
    {
        Set(try allImages().compactMap(\.tag).filter { $0.hasPrefix("sha256-") })
    }

    /// `ImageSource`: an archive has no referrers API.
    public func referrers(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> [Descriptor]?
    {
        nil
    }

    private func allImages() throws(MirrorError) -> [ArchiveImage] {
        var images: [ArchiveImage] = []
        for entry in catalogue.entries {
            images += try ArchiveNaming.images(of: entry, fallback: fallbackRepository, archive: path)
        }
        return images
    }

    private func holdsManifest(_ digest: String) throws(MirrorError) -> Bool {
        if catalogue.madeManifests[digest] != nil { return true }
        guard let file = catalogue.file(of: digest) else { return false }
        return try contents.contains(file)
    }

    private func requireSHA256(_ digest: String, what: String) throws(MirrorError) {
        guard !digest.hasPrefix("sha256:") else { return }
        throw .archive(path: path, reason: "\(what) \(digest) is not named by a sha256 digest, which is not supported")
    }

    /// Refuses a gzip, zstd, xz or bzip2 file with a hint, rather than a checksum error.
    private static func refuseCompressed(_ file: ReadOnlyFile) throws(MirrorError) {
        let start = try TarReader.read(file, at: 0, count: 6)
        let kinds: [(magic: [UInt8], name: String, tool: String)] = [
            ([0x1f, 0x8b], "gzip", "gunzip"), ([0x28, 0xb5, 0x2f, 0xfd], "zstd", "unzstd"),
            ([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], "xz", "unxz"), ([0x42, 0x5a, 0x68], "bzip2", "bunzip2"),
        ]
        for kind in kinds where start.starts(with: kind.magic) {
            throw .archive(
                path: file.path,
                reason: "it is compressed with \(kind.name); decompress it first (\(kind.tool))"
            )
        }
    }
}
