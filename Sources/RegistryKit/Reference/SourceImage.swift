/// An image to copy, resolved the way docker resolves a reference: the registry to ask, the repository there, and
/// the tag or digest.
///
/// A reference without a host is Docker Hub's (`nginx:1.27` is `docker.io/library/nginx:1.27`); Docker Hub's API is
/// `registry-1.docker.io`. A reference with neither tag nor digest means `latest`.
public struct SourceImage: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The registry as written in references (`docker.io`, `registry.k8s.io`, `10.0.0.5:5000`).
    public var registry: String
    /// The repository path on that registry (`library/nginx`, `calico/node`).
    public var repository: String
    /// The tag, if any.
    public var tag: String?
    /// The digest, if any (it wins over the tag when both are given).
    public var digest: String?

    /// Creates an image reference from its parts.
    public init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    /// Resolves `text` (`registry.k8s.io/pause:3.10`, `nginx`, `quay.io/x/y@sha256:…`).
    public init(parsing text: String) throws(ImageReferenceError) {
        let reference = try ImageReference.parse(text)
        var registry = reference.domain ?? Self.dockerHub
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = Self.dockerHub }
        var repository = reference.path
        if registry == Self.dockerHub, !repository.contains("/") { repository = "library/" + repository }
        self.init(
            registry: registry,
            repository: repository,
            tag: reference.tag ?? (reference.digest == nil ? "latest" : nil),
            digest: reference.digest
        )
    }

    /// Docker Hub's name in references.
    public static let dockerHub = "docker.io"

    /// The tag, else the digest: what the source is asked for.
    public var reference: String { digest ?? tag ?? "latest" }

    /// The full reference, host included.
    public var description: String {
        "\(registry)/\(repository)" + (tag.map { ":" + $0 } ?? "") + (digest.map { "@" + $0 } ?? "")
    }

    /// The repository the copy goes to: the source's path without its host, under `prefix` (`mirror/` +
    /// `calico/node`).
    public func destinationRepository(prefix: String) -> String {
        MirrorImage.repository(repository, under: prefix)
    }
}
