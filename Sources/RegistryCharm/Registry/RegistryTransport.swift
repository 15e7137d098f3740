public import SystemLibraries

/// One HTTP request to the registry's API.
public struct RegistryRequest: Sendable, Equatable {
    /// `GET`, `HEAD` or `DELETE`.
    public var method: String
    /// The path and query, such as `/v2/_catalog?n=100`.
    public var target: String
    /// Extra headers (`Accept`); never credentials, which the endpoint adds.
    public var headers: [String: String]

    /// Creates a request.
    public init(_ method: String, _ target: String, headers: [String: String] = [:]) {
        self.method = method
        self.target = target
        self.headers = headers
    }
}

/// The registry's answer: the HTTP client's response (status, headers by lower-case name, body).
public typealias RegistryResponse = HTTPResponse

/// Where the registry listens on this unit and how to talk to it: plain or TLS (with the unit's own server pair as
/// client identity when the registry requires client certificates), with or without basic credentials.
public struct RegistryEndpoint: Sendable {
    /// The TLS material of a client.
    public struct TLS: Sendable {
        /// PEM certificates the server's chain may end in (a CA bundle); may be empty when ``pinnedPEM`` is set.
        public var trustedPEM: [UInt8]
        /// The exact certificate (PEM, the first one counts) the server is expected to present.
        ///
        /// When set, a server presenting this leaf is accepted whoever signed it (the charm's own registry serves the
        /// certificate the charm wrote, which may come from a CA the charm was never given); any other leaf must
        /// chain to ``trustedPEM``.
        public var pinnedPEM: [UInt8]?
        /// The client certificate chain (PEM), when the registry asks for one.
        public var clientCertificatePEM: [UInt8]?
        /// The client key (PEM); a secret.
        public var clientKeyPEM: [UInt8]?
        /// Whether the certificate must name the host connected to (object stores); off for the charm's own
        /// registry, reached on a loopback address its certificate need not name.
        public var verifiesHostName: Bool

        /// Creates TLS material.
        public init(
            trustedPEM: [UInt8],
            pinnedPEM: [UInt8]? = nil,
            clientCertificatePEM: [UInt8]? = nil,
            clientKeyPEM: [UInt8]? = nil,
            verifiesHostName: Bool = false
        ) {
            self.trustedPEM = trustedPEM
            self.pinnedPEM = pinnedPEM
            self.clientCertificatePEM = clientCertificatePEM
            self.clientKeyPEM = clientKeyPEM
            self.verifiesHostName = verifiesHostName
        }
    }

    /// The host to connect to (the loopback address).
    public var host: String
    /// The port.
    public var port: Int
    /// TLS, or `nil` for plain http.
    public var tls: TLS?
    /// The `Authorization` header value; a secret, never printed.
    public var authorization: String?

    /// Creates an endpoint.
    public init(host: String, port: Int, tls: TLS? = nil, authorization: String? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
        self.authorization = authorization
    }

    /// `https://host:port` or `http://host:port` (an IPv6 address in brackets): the URL's start, and the name in
    /// messages.
    public var origin: String { "\(tls == nil ? "http" : "https")://\(hostHeader)" }

    /// The `Host` header's value, `host:port` (S3 signs it).
    public var hostHeader: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Sends requests to the registry: ``CurlRegistryTransport`` on a unit, a fake in tests.
public protocol RegistryTransport: Sendable {
    /// Sends `request` to `endpoint` and returns the whole answer.
    func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
}

/// Why a call to the registry's API failed.
public enum RegistryClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens: the connection was refused (a registry still starting, or not running).
    case refused(origin: String)
    /// No HTTP answer: reset, TLS failure, timeout.
    case transport(origin: String, reason: String)
    /// The server presented the expected certificate, then refused the client certificate (mutual TLS).
    case clientCertificateRefused(origin: String, reason: String)
    /// An answer with an unexpected status.
    case status(request: String, status: Int, message: String)
    /// An answer whose body is not what the API documents.
    case unreadable(request: String, reason: String)

    /// A lower-case message naming the request.
    public var description: String {
        switch self {
        case .refused(let origin): return "no answer from the registry at \(origin): connection refused"
        case .transport(let origin, let reason): return "no answer from the registry at \(origin): \(reason)"
        case .clientCertificateRefused(let origin, let reason):
            return "the registry at \(origin) refused the unit's certificate as a client certificate (it needs the"
                + " clientAuth extended key usage and the configured CA's signature): \(reason)"
        case .status(let request, let status, let message):
            return "the registry answered \(request) with status \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .unreadable(let request, let reason): return "cannot read the registry's answer to \(request): \(reason)"
        }
    }
}
