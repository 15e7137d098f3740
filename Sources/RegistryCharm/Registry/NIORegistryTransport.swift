public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Talks HTTP/1.1 to the registry over one connection per request, with SwiftNIO (and NIOSSL for TLS).
///
/// The server certificate is verified against the trusted PEM (the registry's CA) or, when the endpoint pins one,
/// accepted as the exact certificate pinned (see ``RegistryEndpoint/TLS/pinnedPEM``); never against a host name: the
/// connection goes to the unit's own loopback address, which the certificate need not name.
public struct NIORegistryTransport: RegistryTransport {
    /// How long connecting may take.
    public var connectTimeout: TimeAmount
    /// How long a whole request may take.
    public var requestTimeout: TimeAmount
    /// The largest body accepted.
    public var maximumBodyBytes: Int

    /// Creates a transport.
    public init(
        connectTimeout: TimeAmount = .seconds(10),
        requestTimeout: TimeAmount = .seconds(60),
        maximumBodyBytes: Int = 32 << 20
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// `RegistryTransport` conformance.
    public func send(_ request: RegistryRequest, to endpoint: RegistryEndpoint) async throws(RegistryClientError)
        -> RegistryResponse
    {
        let verdict = PinVerdict()
        do {
            return try await perform(request, endpoint, verdict: verdict)
        } catch let error as RegistryClientError {
            throw error
        } catch {
            if Self.isRefused(error) { throw .refused(origin: endpoint.origin) }
            if let mismatch = verdict.mismatch.withLock({ $0 }) {
                throw .transport(origin: endpoint.origin, reason: mismatch)
            }
            if verdict.accepted.withLock({ $0 }), endpoint.tls?.clientCertificatePEM != nil {
                throw .clientCertificateRefused(origin: endpoint.origin, reason: Self.reason(error))
            }
            throw .transport(origin: endpoint.origin, reason: Self.reason(error))
        }
    }

    /// Whether connecting failed because nothing listens.
    static func isRefused(_ error: any Error) -> Bool {
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty
                && error.connectionErrors.allSatisfy { isRefused($0.error) }
        }
        if let error = error as? IOError { return error.errnoCode == ECONNREFUSED }
        return false
    }

    /// A short reason: BoringSSL's alert name (such as `SSLV3_ALERT_BAD_CERTIFICATE`) rather than its whole dump.
    static func reason(_ error: any Error) -> String {
        let text = "\(error)"
        guard let marker = text.firstRange(of: "OPENSSL_internal:") else { return text }
        let alert = text[marker.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return "the TLS handshake failed: \(alert.lowercased().replacing("_", with: " "))"
    }

    private func perform(_ request: RegistryRequest, _ endpoint: RegistryEndpoint, verdict: PinVerdict) async throws
        -> RegistryResponse
    {
        let group = MultiThreadedEventLoopGroup.singleton
        let context = try endpoint.tls.map(Self.sslContext)
        let pin = try endpoint.tls.flatMap { try CertificatePin(tls: $0, verdict: verdict) }
        let loop = group.next()
        let promise = loop.makePromise(of: RegistryResponse.self)
        let limit = maximumBodyBytes
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let context, let pin {
                        try pipeline.addHandler(
                            NIOSSLClientHandler(
                                context: context,
                                serverHostname: nil,
                                customVerificationCallback: pin.verify
                            )
                        )
                    } else if let context {
                        try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    }
                    try pipeline.addHTTPClientHandlers()
                    try pipeline.addHandler(ResponseCollector(promise: promise, limit: limit))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            promise.fail(error)
            throw error
        }
        let timeout = loop.scheduleTask(in: requestTimeout) {
            promise.fail(RegistryClientError.transport(origin: endpoint.origin, reason: "timed out"))
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }

        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: request.target)
        head.headers.add(name: "Host", value: "\(endpoint.host):\(endpoint.port)")
        head.headers.add(name: "User-Agent", value: "docker-registry-charm")
        head.headers.add(name: "Connection", value: "close")
        if let authorization = endpoint.authorization { head.headers.add(name: "Authorization", value: authorization) }
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) {
            head.headers.add(name: name, value: value)
        }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let response = try await promise.futureResult.get()
        try? await channel.close()
        return response
    }

    private static func sslContext(_ tls: RegistryEndpoint.TLS) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !tls.trustedPEM.isEmpty {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(tls.trustedPEM))
        }
        configuration.certificateVerification = .noHostnameVerification
        if let certificate = tls.clientCertificatePEM, let key = tls.clientKeyPEM {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMBytes(certificate).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: key, format: .pem))
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Collects one HTTP response and completes the promise with it (or with the error that ended the connection).
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<RegistryResponse>
    private let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(promise: EventLoopPromise<RegistryResponse>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
            if body.count > limit {
                promise.fail(
                    RegistryClientError.unreadable(request: "a request", reason: "the body exceeds \(limit) bytes")
                )
                context.close(promise: nil)
            }
        case .end:
            guard let head else {
                promise.fail(ChannelError.inputClosed)
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            promise.succeed(RegistryResponse(status: Int(head.status.code), headers: headers, body: body))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}
