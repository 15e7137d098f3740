/// One entry of a tar archive: where its content lies in the file, without the content.
public struct TarMember: Sendable, Equatable {
    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        /// A regular file.
        case file
        /// A directory.
        case directory
        /// A symbolic link to `target` (relative to the link's directory, or absolute in the archive).
        case symbolicLink(target: String)
        /// A hard link to the earlier member `target`.
        case hardLink(target: String)
        /// A device, FIFO or other entry with no content.
        case other
    }

    /// The path in the archive, without a leading `./` or `/` or a trailing `/`.
    public var name: String
    /// What it is.
    public var kind: Kind
    /// The offset of its content in the archive file.
    public var offset: Int
    /// The length of its content in bytes.
    public var size: Int

    /// Creates a member.
    public init(name: String, kind: Kind, offset: Int, size: Int) {
        self.name = name
        self.kind = kind
        self.offset = offset
        self.size = size
    }
}
