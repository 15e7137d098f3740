import Synchronization
public import SystemLibraries

/// One registry's API with its authentication: basic credentials, or the `WWW-Authenticate: Bearer` exchange with
/// its token service (tokens kept per scope and fetched again when refused).
///
/// Shared by the mirror's workers; each request runs on the caller's own ``HTTPConnection``.
public final class RemoteRegistry: Sendable {
    /// Where the registry is and how to reach it.
    public let host: RegistryHost
    private let authorizations = Mutex<[String: String]>([:])
    private let asksForBasic: Atomic<Bool>
    /// What `GET /v2/` answered, asked once per run before the first request (the others wait for it): the
    /// challenge lets every later request carry its authorization from the start.
    private let probe = ThreadGate<Probe>(.notAsked)

    private enum Probe {
        case notAsked
        case asking
        case answered(AuthChallenge?)
    }

    /// Creates a client of `host`.
    public init(host: RegistryHost) {
        self.host = host
        asksForBasic = Atomic(host.sendsBasicFirst && host.credentials != nil)
        currentOrigin = Mutex(host.origin)
    }

    /// Where `/v2/` is: the host's origin, or its plain-http twin once a loopback registry turned out to speak no
    /// TLS (``RegistryHost/fallsBackToHTTP``).
    public var origin: String { currentOrigin.withLock { $0 } }
    private let currentOrigin: Mutex<String>

    /// The number of HTTP requests sent (token requests included), for the figures.
    public var requestCount: Int { requests.load(ordering: .relaxed) }
    private let requests = Atomic(0)

    /// Sends `method target` (a path under the origin) with the authorization `scopes` need
    /// (`repository:library/nginx:pull`), answering a 401 challenge once.
    ///
    /// A 401 that persists fails with ``MirrorError/unauthorized(registry:hadCredentials:)``. An upload is never
    /// sent twice: when its request is refused, it fails as is.
    public func send(
        _ method: String,
        _ target: String,
        scopes: [String],
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        upload: (any HTTPBodySource)? = nil,
        download: (any HTTPBodySink)? = nil,
        on connection: HTTPConnection
    ) throws(MirrorError) -> HTTPResponse {
        let key = scopes.joined(separator: " ")
        var authorization = try currentAuthorization(key, scopes: scopes, on: connection)
        var request = self.request(
            target.hasPrefix("http") ? target : origin + target,
            method: method,
            body: body,
            timeoutMilliseconds: upload == nil && download == nil ? 120_000 : 0,
            stallSeconds: 60,
            maximumBodyBytes: 16 << 20
        )
        for attempt in 0..<2 {
            request.headers = headers + (authorization.map { [HTTPHeader("Authorization", $0)] } ?? [])
            let response = try perform(request, upload: upload, download: download, on: connection)
            guard response.status == 401 else { return response }
            guard attempt == 0, upload == nil,
                let challenge = response.headers["www-authenticate"].flatMap(AuthChallenge.init(header:))
            else { break }
            authorization = try authorize(challenge, scopes: scopes, on: connection)
            authorizations.withLock { $0[key] = authorization }
        }
        throw .unauthorized(registry: host.name, hadCredentials: host.credentials != nil)
    }

    /// A `GET` of `url` (a redirect's target) without the registry's credentials.
    func sendUnauthenticated(_ url: String, download: (any HTTPBodySink)?, on connection: HTTPConnection)
        throws(MirrorError) -> HTTPResponse
    {
        try perform(
            request(url, timeoutMilliseconds: 0, stallSeconds: 60),
            upload: nil,
            download: download,
            on: connection
        )
    }

    private func currentAuthorization(_ key: String, scopes: [String], on connection: HTTPConnection)
        throws(MirrorError) -> String?
    {
        if let cached = authorizations.withLock({ $0[key] }) { return cached }
        if asksForBasic.load(ordering: .relaxed) { return host.credentials?.basicAuthorization }
        guard let challenge = try challenge(on: connection) else { return nil }
        let authorization = try authorize(challenge, scopes: scopes, on: connection)
        authorizations.withLock { $0[key] = authorization }
        return authorization
    }

    /// The registry's challenge from `GET /v2/`, asked by the first caller while the others wait.
    private func challenge(on connection: HTTPConnection) throws(MirrorError) -> AuthChallenge? {
        let mustAsk = probe.wait(
            until: {
                guard case .asking = $0 else { return true }
                return false
            },
            then: { state -> Bool in
                guard case .notAsked = state else { return false }
                state = .asking
                return true
            }
        )
        if mustAsk {
            var answer: AuthChallenge?
            defer { probe.update { $0 = .answered(answer) } }
            var response: HTTPResponse
            do {
                response = try perform(
                    request(origin + "/v2/", timeoutMilliseconds: 60_000),
                    upload: nil,
                    download: nil,
                    on: connection
                )
            } catch .transport(_, let reason) where host.fallsBackToHTTP && reason.contains("TLS") {
                // Docker's rule for a registry on a loopback address: https first, else plain http.
                let plain = "http://" + host.origin.dropFirst("https://".count)
                currentOrigin.withLock { $0 = plain }
                response = try perform(
                    request(plain + "/v2/", timeoutMilliseconds: 60_000),
                    upload: nil,
                    download: nil,
                    on: connection
                )
            }
            if response.status == 401 {
                answer = response.headers["www-authenticate"].flatMap(AuthChallenge.init(header:))
            }
        }
        return probe.update { state -> AuthChallenge? in
            if case .answered(let challenge) = state { return challenge }
            return nil
        }
    }

    private func authorize(_ challenge: AuthChallenge, scopes: [String], on connection: HTTPConnection)
        throws(MirrorError) -> String
    {
        switch challenge.scheme {
        case "basic":
            guard let credentials = host.credentials else {
                throw .unauthorized(registry: host.name, hadCredentials: false)
            }
            asksForBasic.store(true, ordering: .relaxed)
            return credentials.basicAuthorization
        case "bearer":
            return "Bearer " + (try token(challenge, scopes: scopes, on: connection))
        default:
            throw .unsupported(what: "\(host.name)'s authentication scheme \(challenge.scheme)")
        }
    }

    /// A token from the challenge's realm for `scopes` (and the challenge's own scope), with the credentials if any.
    private func token(_ challenge: AuthChallenge, scopes: [String], on connection: HTTPConnection)
        throws(MirrorError) -> String
    {
        guard let realm = challenge.parameters["realm"], realm.hasPrefix("https://") || realm.hasPrefix("http://")
        else { throw .unreadable(what: "\(host.name)'s token challenge", reason: "it names no http(s) realm") }
        var query: [(String, String)] = []
        if let service = challenge.parameters["service"] { query.append(("service", service)) }
        let wanted = scopes.isEmpty ? challenge.parameters["scope"].map { [$0] } ?? [] : scopes
        for scope in wanted { query.append(("scope", scope)) }
        let url =
            realm + (realm.contains("?") ? "&" : "?")
            + query.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        var headers: [HTTPHeader] = []
        if let credentials = host.credentials {
            headers.append(HTTPHeader("Authorization", credentials.basicAuthorization))
        }
        let response = try perform(
            request(url, headers: headers, timeoutMilliseconds: 60_000),
            upload: nil,
            download: nil,
            on: connection
        )
        if response.status == 401 || response.status == 403 {
            throw .unauthorized(registry: host.name, hadCredentials: host.credentials != nil)
        }
        guard response.status == 200 else {
            throw .status(request: "the token request to \(realm)", status: response.status, message: "")
        }
        guard let token = TokenAnswer.token(in: response.body) else {
            throw .unreadable(what: "the token from \(realm)", reason: "the answer holds no token")
        }
        return token
    }

    /// A request to `url` with this registry's TLS and proxy, 15 s to connect.
    private func request(
        _ url: String,
        method: String = "GET",
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        timeoutMilliseconds: Int,
        stallSeconds: Int? = nil,
        maximumBodyBytes: Int = 1 << 20
    ) -> HTTPRequest {
        HTTPRequest(
            method: method,
            url: url,
            headers: headers,
            body: body,
            tls: host.tls,
            proxy: host.proxy,
            connectTimeoutMilliseconds: 15_000,
            timeoutMilliseconds: timeoutMilliseconds,
            stallSeconds: stallSeconds,
            maximumBodyBytes: maximumBodyBytes
        )
    }

    private func perform(
        _ request: HTTPRequest,
        upload: (any HTTPBodySource)?,
        download: (any HTTPBodySink)?,
        on connection: HTTPConnection
    ) throws(MirrorError) -> HTTPResponse {
        requests.add(1, ordering: .relaxed)
        do {
            return try connection.perform(request, upload: upload, download: download)
        } catch {
            throw .transport(registry: host.name, reason: error.description)
        }
    }
}
