public import SystemLibraries

/// Talks HTTP to the registry (and to object stores) through the charm's one HTTP client, ``HTTPClient`` (the
/// system's libcurl on OpenSSL).
///
/// With a pinned certificate (``RegistryEndpoint/TLS/pinnedPEM``) the trusted set is that certificate plus the
/// endpoint's CAs: OpenSSL, as libcurl sets it up, accepts any certificate of that set as a trust anchor, so the
/// registry passes when it presents exactly the certificate the charm wrote (whoever signed it) or one that chains to
/// the configured CA. The host name is checked only where the endpoint asks (object stores): the charm's own
/// registry is reached on a loopback address its certificate need not name.
public struct CurlRegistryTransport: RegistryTransport {
    /// How long connecting may take, in seconds.
    public var connectTimeoutSeconds: Int
    /// How long a whole request may take, in seconds.
    public var requestTimeoutSeconds: Int
    /// The largest body accepted.
    public var maximumBodyBytes: Int

    /// Creates a transport.
    public init(connectTimeoutSeconds: Int = 10, requestTimeoutSeconds: Int = 60, maximumBodyBytes: Int = 32 << 20) {
        self.connectTimeoutSeconds = connectTimeoutSeconds
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// `RegistryTransport` conformance.
    public func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
    {
        var headers = [HTTPHeader("Host", endpoint.hostHeader)]
        if let authorization = endpoint.authorization { headers.append(HTTPHeader("Authorization", authorization)) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            headers.append(HTTPHeader(name, value))
        }
        let transfer = HTTPRequest(
            method: request.method,
            url: endpoint.origin + request.target,
            headers: headers,
            tls: Self.tls(endpoint.tls),
            connectTimeoutMilliseconds: connectTimeoutSeconds * 1000,
            timeoutMilliseconds: requestTimeoutSeconds * 1000,
            maximumBodyBytes: maximumBodyBytes
        )
        do {
            return try HTTPClient().perform(transfer)
        } catch {
            throw Self.clientError(error, endpoint: endpoint, request: request)
        }
    }

    /// The client's TLS settings for `tls` (unused for http).
    static func tls(_ tls: RegistryEndpoint.TLS?) -> HTTPTLS {
        guard let tls else { return HTTPTLS() }
        // Only the leaf is pinned: the chain after it in the certificate file would otherwise become trust anchors,
        // and with them any certificate its intermediates signed.
        let pinnedLeaf = tls.pinnedPEM.flatMap { pem in
            PEMBlock.blocks(in: String(decoding: pem, as: UTF8.self)).first { $0.label == "CERTIFICATE" }
        }
        return HTTPTLS(
            trustedPEM: Array((pinnedLeaf?.text ?? "").utf8) + tls.trustedPEM,
            verifiesHostName: tls.verifiesHostName,
            clientCertificatePEM: tls.clientCertificatePEM,
            clientKeyPEM: tls.clientKeyPEM
        )
    }

    /// The registry client's error for a failed transfer.
    static func clientError(_ error: HTTPTransferError, endpoint: RegistryEndpoint, request: RegistryRequest)
        -> RegistryClientError
    {
        let origin = endpoint.origin
        switch error {
        case .connectionRefused:
            return .refused(origin: origin)
        case .peerCertificateRefused(let reason) where endpoint.tls?.pinnedPEM != nil:
            return .transport(
                origin: origin,
                reason: "the registry presents a certificate that is neither the one the charm serves nor signed by"
                    + " the configured CA (\(reason))"
            )
        case .tlsFailed(let reason) where endpoint.tls?.clientCertificatePEM != nil && Self.refusesClient(reason):
            return .clientCertificateRefused(origin: origin, reason: "the TLS handshake failed: \(reason)")
        case .bodyTooLarge(let limit):
            return .unreadable(
                request: "\(request.method) \(request.target)",
                reason: "the body exceeds \(limit) bytes"
            )
        case .timedOut:
            return .transport(origin: origin, reason: "timed out")
        default:
            return .transport(origin: origin, reason: error.description)
        }
    }

    /// Whether a handshake failure is the server's alert about the client's certificate (TLS 1.3 `certificate
    /// required`, or `bad certificate`, `unknown ca`, `certificate unknown` and the like from the server): the
    /// charm's own check of the server's certificate fails with ``HTTPTransferError/peerCertificateRefused(reason:)``
    /// instead, so an alert naming a certificate here is about the client's.
    static func refusesClient(_ reason: String) -> Bool {
        reason.contains("alert") && (reason.contains("certificate") || reason.contains("unknown ca"))
    }
}
