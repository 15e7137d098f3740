public import SystemLibraries

/// Where the mirror reads images: a registry (``RegistrySource``) or an archive on disk (``ArchiveSource``).
public protocol ImageSource: Sendable {
    /// The name in messages (`registry.k8s.io`, `/root/images.tar`).
    var name: String { get }

    /// The digest `reference` (a tag or digest) names in `repository`, as cheaply as the source can say;
    /// `nil` when there is none.
    func resolve(_ repository: String, _ reference: String, on connection: HTTPConnection) throws(MirrorError)
        -> String?

    /// The manifest `digest` of `repository`, its bytes checked; `nil` when there is none.
    func manifest(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> ManifestDocument?

    /// A reader of the blob `descriptor`, its bytes checked against the digest before the last of them is handed
    /// on; it may use `connection` until it is closed.
    func openBlob(
        _ repository: String,
        _ descriptor: Descriptor,
        counting progress: MirrorProgress,
        on connection: HTTPConnection
    ) throws(MirrorError) -> any BlobReader

    /// The tags of `repository` that may carry attachments (`sha256-<hex>.sig`, …); empty when the source has none.
    func attachmentTags(_ repository: String, on connection: HTTPConnection) throws(MirrorError) -> Set<String>

    /// The manifests that refer to `digest` through the referrers API, or `nil` when the source has no such API.
    func referrers(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> [Descriptor]?
}

/// An upload's body read from a source; closed once the upload is over, whatever its outcome.
public protocol BlobReader: HTTPBodySource {
    /// Stops reading and releases what the reader holds; returns why the source failed, if it did (a digest that
    /// does not match, a download that broke), which explains a failed upload better than the upload's own error.
    func close() -> MirrorError?
}
