/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable, Equatable {
    /// `GET`, `HEAD`, `DELETE`, `PUT`, `POST`, ….
    public var method: String
    /// The whole URL (`http://localhost/containers/registry/json` for a unix socket: the host is then only the
    /// `Host` header).
    public var url: String
    /// Headers in order; a `Host` header here replaces libcurl's.
    public var headers: [HTTPHeader]
    /// The body, if any.
    public var body: [UInt8]?
    /// A unix socket to connect to instead of the URL's host and port (the docker engine's).
    public var unixSocketPath: String?
    /// How an https URL's server is checked, and the client's own certificate; ignored for http.
    public var tls: HTTPTLS
    /// The proxy to go through; none unless the caller names one (libcurl's own reading of `http_proxy` and its
    /// kin from the environment is turned off).
    public var proxy: HTTPProxy?
    /// How long connecting (TCP and TLS) may take, in milliseconds.
    public var connectTimeoutMilliseconds: Int
    /// How long the whole request may take, in milliseconds; 0 for no limit (a long stream, guarded by
    /// ``stallSeconds`` instead).
    public var timeoutMilliseconds: Int
    /// How long a transfer may move no byte before it is given up, in seconds; `nil` for no such limit.
    public var stallSeconds: Int?
    /// The largest body accepted; a longer one ends the transfer with ``HTTPTransferError/bodyTooLarge(limit:)``.
    public var maximumBodyBytes: Int

    /// Creates a request.
    public init(
        method: String = "GET",
        url: String,
        headers: [HTTPHeader] = [],
        body: [UInt8]? = nil,
        unixSocketPath: String? = nil,
        tls: HTTPTLS = HTTPTLS(),
        proxy: HTTPProxy? = nil,
        connectTimeoutMilliseconds: Int = 10_000,
        timeoutMilliseconds: Int = 60_000,
        stallSeconds: Int? = nil,
        maximumBodyBytes: Int = 32 << 20
    ) {
        self.stallSeconds = stallSeconds
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.unixSocketPath = unixSocketPath
        self.tls = tls
        self.proxy = proxy
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.timeoutMilliseconds = timeoutMilliseconds
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// One request header.
public struct HTTPHeader: Sendable, Equatable {
    /// The name, as sent.
    public var name: String
    /// The value; may be a secret (`Authorization`), which is never logged.
    public var value: String

    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// How the server of an https URL is verified, and the client certificate presented.
public struct HTTPTLS: Sendable, Equatable {
    /// PEM certificates the server's chain must end in, or `nil` for the system's CA bundle.
    ///
    /// Every certificate given here is a trust anchor, a server's own leaf included (libcurl sets OpenSSL's `X509_V_FLAG_PARTIAL_CHAIN`):
    /// that is how a client trusts exactly the certificate a server was given.
    public var trustedPEM: [UInt8]?
    /// Whether the server's certificate must name the URL's host (off for the charm's own registry, reached on a
    /// loopback address its certificate need not name).
    public var verifiesHostName: Bool
    /// The client certificate chain (PEM), for a server that asks for one.
    public var clientCertificatePEM: [UInt8]?
    /// The client key (PEM); a secret, handed to libcurl in memory only.
    public var clientKeyPEM: [UInt8]?

    /// Creates TLS settings; the defaults verify against the system's CAs and the host name.
    public init(
        trustedPEM: [UInt8]? = nil,
        verifiesHostName: Bool = true,
        clientCertificatePEM: [UInt8]? = nil,
        clientKeyPEM: [UInt8]? = nil
    ) {
        self.trustedPEM = trustedPEM
        self.verifiesHostName = verifiesHostName
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// A proxy for ``HTTPRequest``.
public struct HTTPProxy: Sendable, Equatable {
    /// The proxy's URL (`http://squid.internal:3128`).
    public var url: String
    /// Hosts reached directly (libcurl's `NO_PROXY` syntax: comma-separated names, domains and addresses).
    public var noProxy: String?

    /// Creates a proxy setting.
    public init(url: String, noProxy: String? = nil) {
        self.url = url
        self.noProxy = noProxy
    }
}

/// The server's answer.
public struct HTTPResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// Headers by lower-case name (repeated headers joined by `, `).
    public var headers: [String: String]
    /// The body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why an HTTP request got no answer.
public enum HTTPTransferError: Error, Equatable, CustomStringConvertible {
    /// libcurl could not be loaded (not installed, or too old).
    case libcurlUnavailable(reason: String)
    /// libcurl refused a setting (an option newer than the installed libcurl, a malformed URL).
    case optionRefused(option: String, reason: String)
    /// Nothing listens at the address.
    case connectionRefused(reason: String)
    /// The request took longer than its timeout.
    case timedOut(reason: String)
    /// The server's certificate did not verify, in OpenSSL's or libcurl's words.
    case peerCertificateRefused(reason: String)
    /// The TLS handshake or connection failed otherwise (the server refused the client's certificate, or spoke no
    /// TLS); `reason` is OpenSSL's short text, such as `tlsv13 alert certificate required`.
    case tlsFailed(reason: String)
    /// The body was longer than the request allowed.
    case bodyTooLarge(limit: Int)
    /// A streamed body's source or sink gave up (a digest that does not match, a source that failed).
    case streamFailed(reason: String)
    /// Any other failure, in libcurl's words.
    case failed(reason: String)

    /// A lower-case phrase.
    public var description: String {
        switch self {
        case .libcurlUnavailable(let reason): return "libcurl cannot be loaded: \(reason)"
        case .optionRefused(let option, let reason): return "libcurl refused \(option): \(reason)"
        case .connectionRefused(let reason): return "connection refused (\(reason))"
        case .timedOut(let reason): return "timed out (\(reason))"
        case .peerCertificateRefused(let reason): return "the server's certificate is not trusted: \(reason)"
        case .tlsFailed(let reason): return "the TLS handshake failed: \(reason)"
        case .bodyTooLarge(let limit): return "the answer's body exceeds \(limit) bytes"
        case .streamFailed(let reason): return reason
        case .failed(let reason): return reason
        }
    }
}

/// Where a streamed answer's body goes (``HTTPConnection/perform(_:upload:download:)``).
public protocol HTTPBodySink: AnyObject {
    /// Takes the next bytes of the body; returns a lower-case reason to stop the transfer, or `nil` to go on.
    func receive(_ bytes: UnsafeRawBufferPointer) -> String?
}

/// Where a streamed upload's body comes from (``HTTPConnection/perform(_:upload:download:)``).
public protocol HTTPBodySource: AnyObject {
    /// The body's length in bytes, sent as `Content-Length`.
    var length: Int { get }
    /// Fills the start of `buffer` with the next bytes and returns how many (0 at the end), or why it cannot.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure>
}

/// Why a streamed body's source cannot go on; `reason` is a lower-case phrase.
public struct HTTPStreamFailure: Error, Sendable, Equatable {
    /// The reason.
    public var reason: String

    /// Creates a failure.
    public init(_ reason: String) {
        self.reason = reason
    }
}
