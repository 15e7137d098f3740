/// TLS files as the registry sees them inside its container.
public struct TLSPaths: Sendable, Equatable {
    /// The server certificate (chain) in PEM.
    public var certificate: String
    /// The server's private key in PEM.
    public var key: String
    /// The CA whose client certificates are required, if mutual TLS is on.
    public var clientCA: String?

    /// Creates TLS paths.
    public init(certificate: String, key: String, clientCA: String? = nil) {
        self.certificate = certificate
        self.key = key
        self.clientCA = clientCA
    }
}

/// Facts the charm knows besides its config that go into `config.yml`.
public struct RenderInputs: Sendable, Equatable {
    /// The application's name: the htpasswd realm.
    public var applicationName: String
    /// The leader's shared HTTP secret, once known.
    public var httpSecret: String?
    /// The htpasswd file inside the container, set when basic auth's file is in place.
    public var htpasswdPath: String?
    /// The token root certificate bundle inside the container, set when token auth's file is in place.
    public var tokenRootCertBundlePath: String?
    /// TLS files inside the container, when TLS is on.
    public var tls: TLSPaths?
    /// The filesystem driver's root inside the container.
    public var filesystemRoot: String
    /// The major version of the registry the image runs (2 or 3): what it accepts differs.
    public var registryMajor: Int
    /// Serve the metrics on `127.0.0.1:<debug-port>` though `prometheus-metrics` is off: a collector on this
    /// machine scrapes them (`cos-agent` is related).
    public var metricsOnLoopback: Bool

    /// Creates render inputs.
    public init(
        applicationName: String,
        httpSecret: String? = nil,
        htpasswdPath: String? = nil,
        tokenRootCertBundlePath: String? = nil,
        tls: TLSPaths? = nil,
        filesystemRoot: String = "/var/lib/registry",
        registryMajor: Int = 2,
        metricsOnLoopback: Bool = false
    ) {
        self.applicationName = applicationName
        self.httpSecret = httpSecret
        self.htpasswdPath = htpasswdPath
        self.tokenRootCertBundlePath = tokenRootCertBundlePath
        self.tls = tls
        self.filesystemRoot = filesystemRoot
        self.registryMajor = registryMajor
        self.metricsOnLoopback = metricsOnLoopback
    }
}
