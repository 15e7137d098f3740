import RegistryKit
import SystemLibraries

/// The registry's HTTP API (distribution v2) over a transport: catalog and tags (all pages), manifests, deletion.
///
/// What the answers mean (manifests and their descriptors, list pages, `Link` headers, error bodies) is read by
/// RegistryKit, the mirror's library; this type adds the transport the charm's actions and their tests share.
/// Repository names, tags and digests reach it already checked against the reference grammar, so they go into the
/// request path as they are.
public struct RegistryAPI: Sendable {
    /// A tag's manifest: its digest, media type and the bytes it references.
    public struct Manifest: Sendable, Equatable, Codable {
        /// `sha256:…`, as the registry's `Docker-Content-Digest` header says.
        public var digest: String
        /// The manifest's media type.
        public var mediaType: String
        /// Bytes of the config and layers (for an index: of the manifests it lists).
        public var size: Int
        /// The config and layer blobs it names (`digest` and `size` of each); none for an index.
        public var blobs: [Blob] = []
        /// The manifests an index lists (digests); none for an image manifest.
        public var children: [String] = []
        /// The config blob's digest, if it names one.
        public var configDigest: String?

        /// A blob a manifest names.
        public struct Blob: Sendable, Equatable, Hashable, Codable {
            /// `sha256:…`.
            public var digest: String
            /// Its bytes.
            public var size: Int
        }
    }

    private let transport: any RegistryTransport
    private let endpoint: RegistryEndpoint
    private let pageSize: Int

    /// Creates a client of the registry at `endpoint`.
    public init(transport: any RegistryTransport, endpoint: RegistryEndpoint, pageSize: Int = 100) {
        self.transport = transport
        self.endpoint = endpoint
        self.pageSize = pageSize
    }

    /// Every repository in the catalog, following `Link: <…>; rel="next"` pages.
    public func repositories() async throws(RegistryClientError) -> [String] {
        var names: [String] = []
        var next: String? = "/v2/_catalog?n=\(pageSize)"
        while let target = next {
            let response = try await expect(RegistryRequest("GET", target), [200])
            guard let page = CatalogPage.read(response.body) else { throw Self.unreadable(target) }
            names += page.repositories ?? []
            next = LinkHeader.nextPage(response.headers["link"])
        }
        return names
    }

    /// Every tag of `repository` (none when it has no tags left).
    public func tags(of repository: String) async throws(RegistryClientError) -> [String] {
        var tags: [String] = []
        var next: String? = "/v2/\(repository)/tags/list?n=\(pageSize)"
        while let target = next {
            let response = try await send(RegistryRequest("GET", target))
            if response.status == 404 { return tags }
            try check(response, target, [200])
            guard let page = TagListPage.read(response.body) else { throw Self.unreadable(target) }
            tags += page.tags ?? []
            next = LinkHeader.nextPage(response.headers["link"])
        }
        return tags
    }

    /// The manifest `reference` (a tag or digest) of `repository`, or `nil` when there is none.
    public func manifest(_ repository: String, _ reference: String) async throws(RegistryClientError) -> Manifest? {
        let target = "/v2/\(repository)/manifests/\(reference)"
        let response = try await send(
            RegistryRequest("GET", target, headers: ["Accept": MediaTypes.acceptedManifests])
        )
        if response.status == 404 { return nil }
        try check(response, target, [200])
        guard let digest = response.headers["docker-content-digest"] else {
            throw .unreadable(request: "GET \(target)", reason: "no Docker-Content-Digest header")
        }
        let document: ManifestDocument
        do throws(MirrorError) {
            document = try ManifestDocument(bytes: response.body, contentType: response.headers["content-type"])
        } catch {
            throw Self.unreadable(target)
        }
        // The size: what the descriptors (`config`, `layers[]`, `manifests[]`) add up to.
        return Manifest(
            digest: digest,
            mediaType: document.mediaType,
            size: (document.blobs + document.manifests).reduce(0) { $0 + $1.size },
            blobs: document.blobs.map { Manifest.Blob(digest: $0.digest, size: $0.size) },
            children: document.manifests.map(\.digest),
            configDigest: document.config?.digest
        )
    }

    /// Deletes the manifest `digest` of `repository` (every tag pointing at it goes with it).
    ///
    /// - Returns: `false` when there was no such manifest.
    public func deleteManifest(_ repository: String, digest: String) async throws(RegistryClientError) -> Bool {
        let target = "/v2/\(repository)/manifests/\(digest)"
        let response = try await send(RegistryRequest("DELETE", target))
        if response.status == 404 { return false }
        try check(response, target, [200, 202])
        return true
    }

    /// The size of blob `digest` as `repository` links it (`HEAD`, its `Content-Length`); `nil` when the repository
    /// does not link it.
    public func blobSize(_ repository: String, digest: String) async throws(RegistryClientError) -> Int? {
        let target = "/v2/\(repository)/blobs/\(digest)"
        let response = try await send(RegistryRequest("HEAD", target))
        if response.status == 404 { return nil }
        try check(response, target, [200])
        return response.headers["content-length"].flatMap { Int($0) }
    }

    /// The `created` time of the image configuration `digest` of `repository`, if the blob exists and says.
    func imageCreated(_ repository: String, configuration digest: String) async throws(RegistryClientError)
        -> String?
    {
        let target = "/v2/\(repository)/blobs/\(digest)"
        let response = try await send(RegistryRequest("GET", target))
        if response.status == 404 { return nil }
        try check(response, target, [200])
        guard let configuration = ImageConfiguration.read(response.body) else { throw Self.unreadable(target) }
        return configuration.created
    }

    // MARK: - Helpers

    private func send(_ request: RegistryRequest) async throws(RegistryClientError) -> RegistryResponse {
        try await transport.send(request, to: endpoint)
    }

    private func expect(_ request: RegistryRequest, _ statuses: Set<Int>) async throws(RegistryClientError)
        -> RegistryResponse
    {
        let response = try await send(request)
        try check(response, request.target, statuses)
        return response
    }

    private func check(_ response: RegistryResponse, _ target: String, _ statuses: Set<Int>)
        throws(RegistryClientError)
    {
        guard !statuses.contains(response.status) else { return }
        throw .status(request: target, status: response.status, message: RegistryErrorBody.message(response.body))
    }

    private static func unreadable(_ target: String) -> RegistryClientError {
        .unreadable(request: "GET \(target)", reason: "the body is not the documented JSON")
    }
}
