/// A content descriptor: what a manifest or index says about a blob or manifest it names.
public struct Descriptor: Sendable, Equatable, Hashable, Codable {
    /// The media type.
    public var mediaType: String?
    /// `sha256:…`.
    public var digest: String
    /// Its length in bytes.
    public var size: Int
    /// Where a non-distributable (foreign) layer is downloaded from; such layers are not copied.
    public var urls: [String]?
    /// Free-form annotations (`org.opencontainers.image.ref.name` in an OCI layout's index).
    public var annotations: [String: String]?
    /// The platform of an index entry.
    public var platform: Platform?
    /// An artifact's type, in a referrers index.
    public var artifactType: String?

    /// Creates a descriptor.
    public init(mediaType: String?, digest: String, size: Int, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
    }

    /// An index entry's platform.
    public struct Platform: Sendable, Equatable, Hashable, Codable {
        /// `amd64`, `arm64`, …, or `unknown` for attestations.
        public var architecture: String
        /// `linux`, `windows`, ….
        public var os: String
        /// `v8`, ….
        public var variant: String?
    }

    /// Whether this is a foreign layer that registries do not hold (it names the URLs to fetch it from).
    public var isForeign: Bool {
        !(urls ?? []).isEmpty || (mediaType ?? "").contains("foreign")
    }
}
