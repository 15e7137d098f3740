import Foundation
import RegistryCharm
import Synchronization

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
        var requests: [(request: RegistryRequest, endpoint: String, authorization: String?)] = []
        var requiredAuthorization: String?
        var deleteEnabled = true
        var unreachable = false
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

    func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
    {
        try state.withLock { (state: inout State) throws(RegistryClientError) -> RegistryResponse in
            state.requests.append((request, endpoint.origin, endpoint.authorization))
            if state.unreachable { throw .transport(origin: endpoint.origin, reason: "connection refused") }
            if let required = state.requiredAuthorization, endpoint.authorization != required {
                return RegistryResponse(status: 401, body: Array(#"{"errors":[{"code":"UNAUTHORIZED"}]}"#.utf8))
            }
            return answer(request, &state)
        }
    }

    private func answer(_ request: RegistryRequest, _ state: inout State) -> RegistryResponse {
        let (path, query) = split(request.target)
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
            let body =
                #"{"schemaVersion":2,"mediaType":"\#(manifest.mediaType)","config":{"size":100},"layers":[{"size":\#(manifest.size - 100)}]}"#
            return RegistryResponse(
                status: 200,
                headers: ["docker-content-digest": digest, "content-type": manifest.mediaType],
                body: Array(body.utf8)
            )
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
