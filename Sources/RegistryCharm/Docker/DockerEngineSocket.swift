#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Read-only questions to the docker engine's API over its unix socket, where the docker CLI would find it.
///
/// One `GET` costs about a millisecond in-process, against 15–30 ms for the docker CLI (a Go binary that starts, reads
/// its config and dials the same socket). Only reads go this way: every change to a container goes through the
/// docker CLI, as the charm's design says.
public struct DockerEngineSocket: Sendable {
    /// The socket's path.
    public let path: String
    /// How long one request may take, in seconds.
    public var timeoutSeconds = 10

    /// Creates a client for the socket at `path`.
    public init(path: String) {
        self.path = path
    }

    /// The socket the docker CLI would use: `DOCKER_HOST` when it names a unix socket, else the default
    /// `/var/run/docker.sock`; `nil` when `DOCKER_HOST` points elsewhere (tcp, ssh) or the socket is not there, so
    /// callers fall back to the CLI.
    public static func located(dockerHost: String?, exists: (String) -> Bool) -> DockerEngineSocket? {
        let path: String
        if let dockerHost, !dockerHost.isEmpty {
            guard dockerHost.hasPrefix("unix://") else { return nil }
            path = String(dockerHost.dropFirst("unix://".count))
        } else {
            path = "/var/run/docker.sock"
        }
        return path.hasPrefix("/") && exists(path) ? DockerEngineSocket(path: path) : nil
    }

    /// An answer: the HTTP status and the body.
    public struct Response: Sendable, Equatable {
        /// The HTTP status code.
        public var status: Int
        /// The body as text.
        public var body: String
    }

    /// `GET <target>` (HTTP/1.0, so the engine closes the connection after the body).
    public func get(_ target: String) throws(DockerError) -> Response {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure("socket", errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { throw .unavailable(reason: "docker socket path \(path) is too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: pathBytes)
            buffer[pathBytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw failure("connect", errno) }

        let request = Array("GET \(target) HTTP/1.0\r\nHost: docker\r\nUser-Agent: docker-registry-charm\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("send", errno)
            }
            sent += count
        }

        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("recv", errno)
            }
            if count == 0 { break }
            received.append(contentsOf: buffer[0..<count])
        }
        return try Self.parse(received)
    }

    /// Splits an HTTP/1.x response into its status and body (the engine sends no chunked body to a 1.0 client).
    static func parse(_ bytes: [UInt8]) throws(DockerError) -> Response {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.firstRange(of: separator) else {
            throw .unavailable(reason: "the docker engine sent an incomplete answer")
        }
        let head = String(decoding: bytes[..<end.lowerBound], as: UTF8.self)
        let statusLine = head.split(separator: "\r\n", maxSplits: 1).first ?? ""
        let fields = statusLine.split(separator: " ")
        guard fields.count >= 2, fields[0].hasPrefix("HTTP/"), let status = Int(fields[1]) else {
            throw .unavailable(reason: "the docker engine sent no HTTP status line")
        }
        return Response(status: status, body: String(decoding: bytes[end.upperBound...], as: UTF8.self))
    }

    private func failure(_ call: String, _ code: Int32) -> DockerError {
        .unavailable(reason: "docker socket \(path): \(call) failed with errno \(code)")
    }
}
