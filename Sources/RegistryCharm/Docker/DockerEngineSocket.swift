import SystemLibraries

/// Read-only questions to the docker engine's API over its unix socket, where the docker CLI would find it.
///
/// One `GET` costs about a millisecond in-process (and loading libcurl, once per process, a few more), against 15–30 ms
/// for the docker CLI (a Go binary that starts, reads its config and dials the same socket). Only reads go this way: every change to a container goes through the
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

    /// `GET <target>` over the socket, through the charm's HTTP client.
    public func get(_ target: String) throws(DockerError) -> Response {
        let request = HTTPRequest(
            url: "http://docker" + target,
            unixSocketPath: path,
            connectTimeoutMilliseconds: timeoutSeconds * 1000,
            timeoutMilliseconds: timeoutSeconds * 1000
        )
        do {
            let response = try HTTPClient().perform(request)
            return Response(status: response.status, body: String(decoding: response.body, as: UTF8.self))
        } catch {
            throw .unavailable(reason: "docker socket \(path): \(error)")
        }
    }
}
