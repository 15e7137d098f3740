import JujuKit
import SystemLibraries

/// The registry's HTTP API (distribution v2) over a transport: catalog and tags (all pages), manifests, deletion.
///
/// Repository names, tags and digests reach it already checked against the reference grammar, so they go into the
/// request path as they are.
public struct RegistryAPI: Sendable {
    /// The manifest media types asked for, newest first, so the registry never down-converts.
    public static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

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
            names +=
                try read(response, target) { page throws(JSONFieldError) in try page.strings("repositories") } ?? []
            next = Self.nextPage(response.headers["link"])
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
            tags += try read(response, target) { page throws(JSONFieldError) in try page.strings("tags") } ?? []
            next = Self.nextPage(response.headers["link"])
        }
        return tags
    }

    /// The manifest `reference` (a tag or digest) of `repository`, or `nil` when there is none.
    public func manifest(_ repository: String, _ reference: String) async throws(RegistryClientError) -> Manifest? {
        let target = "/v2/\(repository)/manifests/\(reference)"
        let response = try await send(RegistryRequest("GET", target, headers: ["Accept": Self.manifestTypes]))
        if response.status == 404 { return nil }
        try check(response, target, [200])
        guard let digest = response.headers["docker-content-digest"] else {
            throw .unreadable(request: "GET \(target)", reason: "no Docker-Content-Digest header")
        }
        // The body: `mediaType`, and the descriptors (`config`, `layers[]`, `manifests[]`) whose `size`s add up.
        return try read(response, target) { body throws(JSONFieldError) in
            let config = try body.fields("config")
            var size = 0
            var blobs: [Manifest.Blob] = []
            for part in [config].compactMap({ $0 }) + (try body.fieldsArray("layers") ?? []) {
                let bytes = try part.int("size") ?? 0
                size += bytes
                if let blob = try part.string("digest") { blobs.append(Manifest.Blob(digest: blob, size: bytes)) }
            }
            var children: [String] = []
            for part in try body.fieldsArray("manifests") ?? [] {
                size += try part.int("size") ?? 0
                if let child = try part.string("digest") { children.append(child) }
            }
            return Manifest(
                digest: digest,
                mediaType: try body.string("mediaType") ?? response.headers["content-type"] ?? "",
                size: size,
                blobs: blobs,
                children: children,
                configDigest: try config?.string("digest")
            )
        }
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

    /// The JSON object of blob `digest` of `repository` (an image configuration), or `nil` when there is none.
    func jsonBlob(_ repository: String, digest: String) async throws(RegistryClientError) -> JSONFields? {
        let target = "/v2/\(repository)/blobs/\(digest)"
        let response = try await send(RegistryRequest("GET", target))
        if response.status == 404 { return nil }
        try check(response, target, [200])
        return try read(response, target) { $0 }
    }

    /// The target of `Link: </v2/_catalog?last=x&n=100>; rel="next"`.
    static func nextPage(_ link: String?) -> String? {
        guard let link, link.contains("rel=\"next\""), let open = link.firstIndex(of: "<"),
            let close = link[open...].firstIndex(of: ">")
        else { return nil }
        let target = String(link[link.index(after: open)..<close])
        return target.hasPrefix("/v2/") ? target : nil
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
        throw .status(request: target, status: response.status, message: Self.errorMessage(response.body))
    }

    /// Reads the JSON object `response` holds with `fields`.
    ///
    /// - Throws: `RegistryClientError.unreadable` when the body is not a JSON object or a member has another type.
    private func read<Value>(
        _ response: RegistryResponse,
        _ target: String,
        _ fields: (JSONFields) throws(JSONFieldError) -> Value
    ) throws(RegistryClientError) -> Value {
        let unreadable = RegistryClientError.unreadable(
            request: "GET \(target)",
            reason: "the body is not the documented JSON"
        )
        guard let body = try? JSONFields(parsing: response.body) else { throw unreadable }
        do throws(JSONFieldError) {
            return try fields(body)
        } catch {
            throw unreadable
        }
    }

    /// The first `errors[].message` of a registry error body, if any.
    ///
    /// The body is `{"errors": [{"code": …, "message": …}, …]}`; anything else (or an item of another shape) has none.
    static func errorMessage(_ body: [UInt8]) -> String {
        guard let fields = try? JSONFields(parsing: body),
            let items = try? fields.fieldsArray("errors")?.map({ item throws(JSONFieldError) in
                [try item.string("code"), try item.string("message")]
            }),
            let item = items.first
        else { return "" }
        return item.compactMap { $0 }.joined(separator: ": ").lowercased()
    }
}
