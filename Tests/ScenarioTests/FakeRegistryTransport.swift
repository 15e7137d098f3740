import Foundation
import RegistryCharm
import Synchronization
import SystemLibraries

/// The registry's HTTP API in memory.
///
/// Repositories, tags and manifests, with pages of `pageSize`, basic auth and `storage-delete` like the real one.
/// Every request is recorded with the credentials it carried.
final class FakeRegistryTransport: RegistryTransport {
    struct State {
        /// repository → tag → digest.
        var tags: [String: [String: String]] = [:]
        /// digest → (media type, bytes referenced).
        var manifests: [String: (mediaType: String, size: Int)] = [:]
        /// manifest digest → the `created` time of its image configuration (served as a config blob).
        var created: [String: String] = [:]
        var requests: [(request: RegistryRequest, endpoint: String, authorization: String?)] = []
        var requiredAuthorization: String?
        var deleteEnabled = true
        var unreachable = false
        /// Answers `GET /v2/` as an image that ignores the charm's config.yml would: plain http, no auth.
        var servesImageDefault = false
        /// S3 buckets that exist (their listing answers 200, with one object).
        var buckets: Set<String> = []
    }

    /// The `config.yml` the registry on a port was started with (the scenario's file), read to answer `GET /v2/` the
    /// way a registry serving it would: `nil` (no file) means nothing listens.
    let servedConfig: @Sendable (Int) -> [UInt8]?

    init(servedConfig: @escaping @Sendable (Int) -> [UInt8]? = { _ in nil }) {
        self.servedConfig = servedConfig
    }

    let state = Mutex(State())
    let pageSize = 2

    /// Adds `repository:tag` pointing at a manifest of `size` bytes; returns its digest.
    @discardableResult
    func add(_ repository: String, _ tag: String, size: Int = 1000) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(repository):\(tag)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let digest = "sha256:" + String(repeating: String(format: "%016llx", hash), count: 4)
        state.withLock {
            $0.tags[repository, default: [:]][tag] = digest
            $0.manifests[digest] = ("application/vnd.docker.distribution.manifest.v2+json", size)
        }
        return digest
    }

    var requests: [(request: RegistryRequest, endpoint: String, authorization: String?)] {
        state.withLock { $0.requests }
    }

    /// Adds `repository:tag` pointing at a manifest whose image was made at `created` (RFC 3339); returns its digest.
    @discardableResult
    func add(_ repository: String, _ tag: String, created: String, size: Int = 1000) -> String {
        let digest = add(repository, tag, size: size)
        state.withLock { $0.created[digest] = created }
        return digest
    }

    /// Points `repository:tag` at the existing manifest `digest`.
    func tag(_ repository: String, _ tag: String, at digest: String) {
        state.withLock { $0.tags[repository, default: [:]][tag] = digest }
    }

    /// The config and layer blob digests of the manifest `digest` (each manifest has its own).
    static func blobs(of digest: String) -> (config: String, layer: String) {
        let hex = digest.dropFirst("sha256:".count)
        return ("sha256:c" + hex.dropFirst(), "sha256:1" + hex.dropFirst())
    }

    func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
    {
        try state.withLock { (state: inout State) throws(RegistryClientError) -> RegistryResponse in
            state.requests.append((request, endpoint.origin, endpoint.authorization))
            if state.unreachable { throw .transport(origin: endpoint.origin, reason: "connection refused") }
            if request.target == "/v2/" { return try base(endpoint, servesImageDefault: state.servesImageDefault) }
            if let required = state.requiredAuthorization, endpoint.authorization != required {
                return RegistryResponse(status: 401, body: Array(#"{"errors":[{"code":"UNAUTHORIZED"}]}"#.utf8))
            }
            return answer(request, &state)
        }
    }

    /// `GET /v2/` as the registry serving ``servedConfig`` (or the image's default) answers it.
    private func base(_ endpoint: RegistryEndpoint, servesImageDefault: Bool) throws(RegistryClientError)
        -> RegistryResponse
    {
        var tls = false
        var auth = false
        if !servesImageDefault {
            guard let bytes = servedConfig(endpoint.port) else { throw .refused(origin: endpoint.origin) }
            // config.yml is a comment line, then JSON.
            let json = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: 1).last.map { Data($0) } ?? Data()
            let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] ?? [:]
            tls = (object["http"] as? [String: Any])?["tls"] != nil
            auth = object["auth"] != nil
        }
        switch (tls, endpoint.tls != nil) {
        case (false, true):
            throw .transport(origin: endpoint.origin, reason: "the TLS handshake failed: wrong version number")
        case (true, false):
            return RegistryResponse(status: 400, body: Array("Client sent an HTTP request to an HTTPS server.\n".utf8))
        default:
            let authorized = endpoint.authorization != nil
            return RegistryResponse(status: auth && !authorized ? 401 : 200, body: Array("{}".utf8))
        }
    }

    private func answer(_ request: RegistryRequest, _ state: inout State) -> RegistryResponse {
        let (path, query) = split(request.target)
        if query["list-type"] == "2", state.buckets.contains(String(path.dropFirst())) {
            return RegistryResponse(status: 200, body: Array("<ListBucketResult><Contents/></ListBucketResult>".utf8))
        }
        if path == "/v2/_catalog" {
            let names = state.tags.keys.sorted()
            return page(names, after: query["last"], key: "repositories", link: "/v2/_catalog")
        }
        let parts = path.split(separator: "/").map(String.init)
        if parts.count >= 4, parts[parts.count - 2] == "tags", parts.last == "list" {
            let repository = parts[1..<(parts.count - 2)].joined(separator: "/")
            guard let tags = state.tags[repository] else { return RegistryResponse(status: 404) }
            return page(tags.keys.sorted(), after: query["last"], key: "tags", link: "/v2/\(repository)/tags/list")
        }
        if parts.count >= 4, parts[parts.count - 2] == "manifests" {
            let repository = parts[1..<(parts.count - 2)].joined(separator: "/")
            let reference = parts[parts.count - 1]
            let digest = reference.hasPrefix("sha256:") ? reference : state.tags[repository]?[reference]
            guard let digest, let manifest = state.manifests[digest],
                state.tags[repository]?.values.contains(digest) == true
            else { return RegistryResponse(status: 404) }
            if request.method == "DELETE" {
                guard state.deleteEnabled else {
                    return RegistryResponse(
                        status: 405,
                        body: Array(
                            #"{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}"#.utf8
                        )
                    )
                }
                state.tags[repository] = state.tags[repository]?.filter { $0.value != digest }
                return RegistryResponse(status: 202)
            }
            let blobs = Self.blobs(of: digest)
            let body =
                #"{"schemaVersion":2,"mediaType":"\#(manifest.mediaType)","config":{"digest":"\#(blobs.config)","size":100},"layers":[{"digest":"\#(blobs.layer)","size":\#(manifest.size - 100)}]}"#
            return RegistryResponse(
                status: 200,
                headers: ["docker-content-digest": digest, "content-type": manifest.mediaType],
                body: Array(body.utf8)
            )
        }
        if parts.count >= 4, parts[parts.count - 2] == "blobs" {
            let repository = parts[1..<(parts.count - 2)].joined(separator: "/")
            let digest = parts[parts.count - 1]
            for manifest in Set(state.tags[repository]?.values.map { $0 } ?? []) {
                let blobs = Self.blobs(of: manifest)
                if digest == blobs.config {
                    let body = Array(#"{"created":"\#(state.created[manifest] ?? "")"}"#.utf8)
                    return RegistryResponse(status: 200, headers: ["content-length": "100"], body: body)
                }
                if digest == blobs.layer, let size = state.manifests[manifest]?.size {
                    return RegistryResponse(status: 200, headers: ["content-length": String(size - 100)])
                }
            }
        }
        return RegistryResponse(status: 404)
    }

    private func page(_ items: [String], after last: String?, key: String, link: String) -> RegistryResponse {
        let rest = last.map { last in items.filter { $0 > last } } ?? items
        let chunk = Array(rest.prefix(pageSize))
        var headers: [String: String] = [:]
        if rest.count > pageSize, let end = chunk.last {
            headers["link"] = "<\(link)?last=\(end)&n=\(pageSize)>; rel=\"next\""
        }
        let body = (try? JSONSerialization.data(withJSONObject: [key: chunk])) ?? Data()
        return RegistryResponse(status: 200, headers: headers, body: Array(body))
    }

    private func split(_ target: String) -> (String, [String: String]) {
        let pieces = target.split(separator: "?", maxSplits: 1).map(String.init)
        var query: [String: String] = [:]
        for pair in (pieces.count > 1 ? pieces[1] : "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if kv.count == 2 { query[kv[0]] = kv[1] }
        }
        return (pieces[0], query)
    }
}
