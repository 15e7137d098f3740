import FoundationEssentials
public import SystemLibraries

/// How to reach one registry: its API's origin, TLS trust, proxy and credentials.
public struct RegistryHost: Sendable {
    /// The registry as written in references (`docker.io`, `127.0.0.1:5000`); the name in messages.
    public var name: String
    /// `https://host[:port]` or `http://…`: where `/v2/` is.
    public var origin: String
    /// How the server's certificate is checked.
    public var tls: HTTPTLS
    /// The proxy to go through, if any.
    public var proxy: HTTPProxy?
    /// The user name and password for basic auth or a token service; secrets, never printed.
    public var credentials: Credentials?
    /// Whether a registry that answers https with no TLS is spoken to over plain http instead: docker's rule for
    /// registries on a loopback address (`localhost`, `127.0.0.0/8`, `::1`).
    public var fallsBackToHTTP: Bool
    /// Whether to send basic credentials before the registry asks (the charm's own registry, which only ever asks
    /// for basic auth): saves the first request's 401.
    public var sendsBasicFirst: Bool

    /// A user name and password.
    public struct Credentials: Sendable, Equatable {
        /// The user name.
        public var username: String
        /// The password; a secret.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        /// The `Authorization: Basic …` value.
        public var basicAuthorization: String { "Basic " + Data("\(username):\(password)".utf8).base64EncodedString() }
    }

    /// Creates a host.
    public init(
        name: String,
        origin: String,
        tls: HTTPTLS = HTTPTLS(),
        proxy: HTTPProxy? = nil,
        credentials: Credentials? = nil,
        sendsBasicFirst: Bool = false,
        fallsBackToHTTP: Bool = false
    ) {
        self.fallsBackToHTTP = fallsBackToHTTP
        self.name = name
        self.origin = origin
        self.tls = tls
        self.proxy = proxy
        self.credentials = credentials
        self.sendsBasicFirst = sendsBasicFirst
    }

    /// A public registry by its name in references, over https (Docker Hub's API is `registry-1.docker.io`).
    public static func named(_ name: String, tls: HTTPTLS = HTTPTLS(), proxy: HTTPProxy? = nil) -> RegistryHost {
        let apiHost = name == SourceImage.dockerHub ? "registry-1.docker.io" : name
        return RegistryHost(
            name: name,
            origin: "https://" + apiHost,
            tls: tls,
            proxy: proxy,
            fallsBackToHTTP: isLoopback(name)
        )
    }

    /// Whether `name` (`host[:port]`) is a loopback address.
    static func isLoopback(_ name: String) -> Bool {
        var host = Substring(name)
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            host = host[host.index(after: host.startIndex)..<close]
            return host == "::1"
        }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        return host == "localhost" || host.hasPrefix("127.")
    }
}
