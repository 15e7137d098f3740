/// One image to mirror: where it is read and where it goes.
public struct MirrorImage: Sendable {
    /// The source that holds it.
    public var source: any ImageSource
    /// Its repository at the source.
    public var repository: String
    /// The tag or digest asked for at the source.
    public var reference: String
    /// The tag it gets at the destination, or `nil` to store it by digest only.
    public var tag: String?
    /// The destination repository.
    public var destinationRepository: String
    /// The name in results and messages (`registry.k8s.io/pause:3.10`).
    public var name: String

    /// Creates an image to mirror.
    public init(
        source: any ImageSource,
        repository: String,
        reference: String,
        tag: String?,
        destinationRepository: String,
        name: String
    ) {
        self.source = source
        self.repository = repository
        self.reference = reference
        self.tag = tag
        self.destinationRepository = destinationRepository
        self.name = name
    }
}

extension MirrorImage {
    /// `path` under `prefix` (`mirror` and `calico/node` make `mirror/calico/node`; no prefix leaves `path`).
    public static func repository(_ path: String, under prefix: String) -> String {
        let trimmed = prefix.split(separator: "/").joined(separator: "/")
        return trimmed.isEmpty ? path : "\(trimmed)/\(path)"
    }
}

/// What a mirror run did.
public struct MirrorReport: Sendable, Equatable {
    /// Images copied (at least one manifest stored).
    public var copied = 0
    /// Images already present with everything they carry.
    public var skipped = 0
    /// Images that failed.
    public var failed = 0
    /// Blob bytes sent (or, in a dry run, that would be).
    public var bytes = 0
    /// One line per failed image: its name and the reason.
    public var failures: [String] = []
    /// One line per image, in the order given: what was done or, in a dry run, what would be.
    public var lines: [String] = []

    /// Creates an empty report.
    public init() {}
}
