public import SystemLibraries

/// The OCI distribution API calls the mirror makes (repository names, tags and digests are checked against the
/// reference grammar before they get here, so they go into paths as they are).
extension RemoteRegistry {
    /// What a blob mount answered.
    public enum MountOutcome: Sendable, Equatable {
        /// The blob is now in the repository.
        case mounted
        /// The registry opened an upload session instead, at this location.
        case uploadAt(String)
    }

    /// The digest `reference` names in `repository` (a `HEAD`), or `nil` when there is no such manifest.
    public func manifestDigest(_ repository: String, _ reference: String, on connection: HTTPConnection)
        throws(MirrorError) -> String?
    {
        let target = "/v2/\(repository)/manifests/\(reference)"
        let response = try send(
            "HEAD",
            target,
            scopes: [Self.pull(repository)],
            headers: [HTTPHeader("Accept", MediaTypes.acceptedManifests)],
            on: connection
        )
        if response.status == 404 { return nil }
        try expect(response, "HEAD \(target)", [200])
        if let digest = response.headers["docker-content-digest"], ImageReference.isValidDigest(digest) {
            return digest
        }
        return try manifest(repository, reference, on: connection)?.digest
    }

    /// The manifest `reference` names in `repository`, its bytes checked against the digest when `reference` is
    /// one; `nil` when there is none.
    public func manifest(_ repository: String, _ reference: String, on connection: HTTPConnection)
        throws(MirrorError) -> ManifestDocument?
    {
        let target = "/v2/\(repository)/manifests/\(reference)"
        let response = try send(
            "GET",
            target,
            scopes: [Self.pull(repository)],
            headers: [HTTPHeader("Accept", MediaTypes.acceptedManifests)],
            on: connection
        )
        if response.status == 404 { return nil }
        try expect(response, "GET \(target)", [200])
        let document = try ManifestDocument(bytes: response.body, contentType: response.headers["content-type"])
        if reference.hasPrefix("sha256:"), document.digest != reference {
            throw .digestMismatch(expected: reference, actual: document.digest)
        }
        return document
    }

    /// Stores `document` in `repository` under `reference` (its digest, or a tag).
    public func putManifest(
        _ document: ManifestDocument,
        _ repository: String,
        _ reference: String,
        on connection: HTTPConnection
    ) throws(MirrorError) {
        let target = "/v2/\(repository)/manifests/\(reference)"
        let response = try send(
            "PUT",
            target,
            scopes: [Self.push(repository)],
            headers: [HTTPHeader("Content-Type", document.mediaType)],
            body: document.bytes,
            on: connection
        )
        try expect(response, "PUT \(target)", [200, 201])
    }

    /// Whether `repository` holds the blob `digest`.
    public func hasBlob(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> Bool
    {
        let target = "/v2/\(repository)/blobs/\(digest)"
        let response = try send("HEAD", target, scopes: [Self.pull(repository)], on: connection)
        if response.status == 404 { return false }
        try expect(response, "HEAD \(target)", [200])
        return true
    }

    /// Mounts the blob `digest` of `source` into `repository`.
    public func mountBlob(_ digest: String, from source: String, into repository: String, on connection: HTTPConnection)
        throws(MirrorError) -> MountOutcome
    {
        let target = "/v2/\(repository)/blobs/uploads/?mount=\(digest)&from=\(source)"
        let response = try send(
            "POST",
            target,
            scopes: [Self.push(repository), Self.pull(source)],
            body: [],
            on: connection
        )
        if response.status == 201 { return .mounted }
        try expect(response, "POST \(target)", [202])
        return .uploadAt(try location(response, target))
    }

    /// Opens an upload session in `repository`; returns its location.
    public func startUpload(_ repository: String, on connection: HTTPConnection) throws(MirrorError) -> String {
        let target = "/v2/\(repository)/blobs/uploads/"
        let response = try send("POST", target, scopes: [Self.push(repository)], body: [], on: connection)
        try expect(response, "POST \(target)", [202])
        return try location(response, target)
    }

    /// Sends the whole blob from `source` to the upload session at `location` and closes it with `digest` (the
    /// registry checks the bytes against it).
    public func finishUpload(
        at location: String,
        repository: String,
        digest: String,
        from source: any HTTPBodySource,
        on connection: HTTPConnection
    ) throws(MirrorError) {
        let target = location + (location.contains("?") ? "&" : "?") + "digest=\(digest)"
        let response = try send(
            "PUT",
            target,
            scopes: [Self.push(repository)],
            headers: [HTTPHeader("Content-Type", "application/octet-stream")],
            upload: source,
            on: connection
        )
        try expect(response, "PUT of blob \(digest) to \(repository)", [201, 204])
    }

    /// Streams the blob `digest` of `repository` into `sink`, following the redirect to a storage backend or CDN
    /// (without the registry's credentials).
    public func streamBlob(
        _ repository: String,
        _ digest: String,
        into sink: any HTTPBodySink,
        on connection: HTTPConnection
    ) throws(MirrorError) {
        var target = "/v2/\(repository)/blobs/\(digest)"
        var response = try send("GET", target, scopes: [Self.pull(repository)], download: sink, on: connection)
        var redirects = 0
        while [301, 302, 303, 307, 308].contains(response.status), redirects < 5,
            let next = response.headers["location"]
        {
            target = next.hasPrefix("/") ? origin + next : next
            response = try sendUnauthenticated(target, download: sink, on: connection)
            redirects += 1
        }
        if response.status == 404 { throw .notFound(reference: "blob \(digest) in \(host.name)/\(repository)") }
        try expect(response, "GET blob \(digest) of \(repository)", [200])
    }

    /// Every tag of `repository`, following `Link` pages; none when the repository does not exist.
    public func tags(_ repository: String, on connection: HTTPConnection) throws(MirrorError) -> [String] {
        var tags: [String] = []
        var next: String? = "/v2/\(repository)/tags/list?n=1000"
        while let target = next {
            let response = try send("GET", target, scopes: [Self.pull(repository)], on: connection)
            if response.status == 404 { return tags }
            try expect(response, "GET \(target)", [200])
            guard let page = TagListPage.read(response.body) else {
                throw .unreadable(what: "the tags of \(repository)", reason: "the answer is not a tag list")
            }
            tags += page.tags ?? []
            next = LinkHeader.nextPage(response.headers["link"])
        }
        return tags
    }

    /// The manifests that refer to `digest` (the referrers API), or `nil` when the registry has no referrers API.
    public func referrers(_ repository: String, _ digest: String, on connection: HTTPConnection) throws(MirrorError)
        -> [Descriptor]?
    {
        let target = "/v2/\(repository)/referrers/\(digest)"
        let response = try send(
            "GET",
            target,
            scopes: [Self.pull(repository)],
            headers: [HTTPHeader("Accept", MediaTypes.ociIndex)],
            on: connection
        )
        guard response.status == 200,
            (response.headers["content-type"] ?? "").hasPrefix(MediaTypes.ociIndex)
        else { return nil }
        return try ManifestDocument(bytes: response.body, contentType: MediaTypes.ociIndex).manifests
    }

    /// `repository:<name>:pull`.
    public static func pull(_ repository: String) -> String { "repository:\(repository):pull" }
    /// `repository:<name>:pull,push`.
    public static func push(_ repository: String) -> String { "repository:\(repository):pull,push" }

    private func location(_ response: HTTPResponse, _ target: String) throws(MirrorError) -> String {
        guard let location = response.headers["location"], !location.isEmpty else {
            throw .unreadable(what: "the answer to POST \(target)", reason: "it has no Location header")
        }
        return location.hasPrefix("/") ? origin + location : location
    }

    private func expect(_ response: HTTPResponse, _ request: String, _ statuses: Set<Int>) throws(MirrorError) {
        guard !statuses.contains(response.status) else { return }
        throw .status(request: request, status: response.status, message: RegistryErrorBody.message(response.body))
    }
}
