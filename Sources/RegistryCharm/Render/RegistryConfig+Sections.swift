extension RegistryConfig {
    /// `log`: level, JSON lines, and a `service: registry` field.
    public struct Log: Encodable, Equatable, Sendable {
        /// `error`, `warn`, `info` or `debug`.
        public var level: String
        /// `json`.
        public var formatter: String
        /// Static fields added to every line.
        public var fields: [String: String]

        /// Creates a log section.
        public init(level: String, formatter: String = "json", fields: [String: String] = ["service": "registry"]) {
            self.level = level
            self.formatter = formatter
            self.fields = fields
        }
    }

    /// `http`: listener, headers, external URL, secret, TLS and the debug listener.
    public struct HTTP: Encodable, Equatable, Sendable {
        /// `:<registry-port>`.
        public var addr: String
        /// Response headers; `X-Content-Type-Options: nosniff`.
        public var headers: [String: [String]]
        /// Relative `Location` headers.
        public var relativeurls: Bool
        /// The external URL (`http-host`), if set.
        public var host: String?
        /// The shared upload-state secret, if known.
        public var secret: String?
        /// TLS, if on.
        public var tls: TLS?
        /// The debug and metrics listener, with `prometheus-metrics` only.
        public var debug: Debug?
        /// How long the registry lets requests in flight finish after SIGTERM (`docker stop`), so a re-creation does
        /// not cut an upload or a pull off half-way.
        public var draintimeout: String

        /// The drain time the charm gives the registry; `docker stop` waits longer than this before killing it.
        public static let drainSeconds = 10

        /// Creates an http section.
        public init(
            addr: String,
            headers: [String: [String]] = ["X-Content-Type-Options": ["nosniff"]],
            relativeurls: Bool = true,
            host: String? = nil,
            secret: String? = nil,
            tls: TLS? = nil,
            debug: Debug? = nil,
            draintimeout: String = "\(HTTP.drainSeconds)s"
        ) {
            self.draintimeout = draintimeout
            self.addr = addr
            self.headers = headers
            self.relativeurls = relativeurls
            self.host = host
            self.secret = secret
            self.tls = tls
            self.debug = debug
        }

        /// `http.tls`.
        public struct TLS: Encodable, Equatable, Sendable {
            /// The certificate file.
            public var certificate: String
            /// The key file.
            public var key: String
            /// CA files for client certificates; present means client certificates are required.
            public var clientcas: [String]?

            /// Creates a TLS section.
            public init(certificate: String, key: String, clientcas: [String]? = nil) {
                self.certificate = certificate
                self.key = key
                self.clientcas = clientcas
            }
        }

        /// `http.debug`.
        public struct Debug: Encodable, Equatable, Sendable {
            /// `:<debug-port>`.
            public var addr: String
            /// Prometheus metrics at `/metrics`.
            public var prometheus: Prometheus

            /// Creates a debug section with metrics on.
            public init(addr: String, prometheus: Prometheus = Prometheus()) {
                self.addr = addr
                self.prometheus = prometheus
            }
        }

        /// `http.debug.prometheus`.
        public struct Prometheus: Encodable, Equatable, Sendable {
            /// `true`.
            public var enabled: Bool
            /// `/metrics`.
            public var path: String

            /// Creates a prometheus section.
            public init(enabled: Bool = true, path: String = "/metrics") {
                self.enabled = enabled
                self.path = path
            }
        }
    }

    /// `health`: the storage driver check.
    public struct Health: Encodable, Equatable, Sendable {
        /// `health.storagedriver`.
        public var storagedriver: StorageDriverCheck

        /// Creates a health section (enabled, every 10 s, unhealthy after 3 failures).
        public init(storagedriver: StorageDriverCheck = StorageDriverCheck()) {
            self.storagedriver = storagedriver
        }

        /// `health.storagedriver`.
        public struct StorageDriverCheck: Encodable, Equatable, Sendable {
            /// Whether the check runs.
            public var enabled: Bool
            /// A Go duration between checks.
            public var interval: String
            /// Failures before the registry reports itself unhealthy.
            public var threshold: Int

            /// Creates a check.
            public init(enabled: Bool = true, interval: String = "10s", threshold: Int = 3) {
                self.enabled = enabled
                self.interval = interval
                self.threshold = threshold
            }
        }
    }

    /// `proxy`: the pull-through cache.
    public struct Proxy: Encodable, Equatable, Sendable {
        /// The upstream registry.
        public var remoteurl: String
        /// Its user, if set.
        public var username: String?
        /// Its password, if set.
        public var password: String?

        /// Creates a proxy section.
        public init(remoteurl: String, username: String? = nil, password: String? = nil) {
            self.remoteurl = remoteurl
            self.username = username
            self.password = password
        }

        /// The section for the charm's `cache-*` options.
        public init(_ cache: PullThroughCache) {
            self.init(remoteurl: cache.remoteURL.text, username: cache.username, password: cache.password)
        }
    }
}
