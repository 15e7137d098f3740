/// An image an archive holds, as ``ArchiveSource/images()`` lists it: the repository and tag it is copied to, and
/// the digest of its top manifest or index.
public struct ArchiveImage: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The destination repository path (`library/busybox`, `calico/node`, or one made from the archive's name).
    public var repository: String
    /// The tag, or `nil` when the archive names the image by digest only.
    public var tag: String?
    /// The `sha256:` digest of the image's top manifest or index.
    public var digest: String

    /// Creates an image entry.
    public init(repository: String, tag: String?, digest: String) {
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// The tag, else the digest: what ``ArchiveSource`` resolves.
    public var reference: String { tag ?? digest }

    /// `repository:tag`, or `repository@digest`.
    public var description: String { repository + (tag.map { ":" + $0 } ?? "@" + digest) }
}
