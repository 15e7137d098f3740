/// The registry's `config.yml` as a typed value (distribution's `configuration.Configuration`, version 0.1).
///
/// Only what the charm configures is modelled; absent sections are `nil` and left out of the file. Build it with
/// `init(config:inputs:)` from a valid `CharmConfig`, and write `rendered()`.
public struct RegistryConfig: Encodable, Equatable, Sendable {
    /// Always `"0.1"`.
    public var version: String
    /// `log`.
    public var log: Log
    /// `http`.
    public var http: HTTP
    /// `health`.
    public var health: Health
    /// `auth`: htpasswd or token, never both; `nil` for an open registry.
    public var auth: Auth?
    /// `proxy`: the pull-through cache, if configured.
    public var proxy: Proxy?
    /// `storage`.
    public var storage: Storage

    /// Creates a configuration from its sections.
    public init(
        version: String = "0.1",
        log: Log,
        http: HTTP,
        health: Health = Health(),
        auth: Auth? = nil,
        proxy: Proxy? = nil,
        storage: Storage
    ) {
        self.version = version
        self.log = log
        self.http = http
        self.health = health
        self.auth = auth
        self.proxy = proxy
        self.storage = storage
    }

    /// The configuration for `config` and what the charm knows besides it.
    ///
    /// `config` should be valid (no `problems`). Basic auth is emitted only once `inputs.htpasswdPath` is set, token
    /// auth only once `inputs.tokenRootCertBundlePath` is set, TLS only with `inputs.tls`.
    public init(config: CharmConfig, inputs: RenderInputs) {
        let debug =
            config.prometheusMetrics
            ? HTTP.Debug(addr: ":\(config.debugPort)")
            : inputs.metricsOnLoopback ? HTTP.Debug(addr: "127.0.0.1:\(config.debugPort)") : nil
        let http = HTTP(
            addr: ":\(config.registryPort)",
            host: config.httpHost?.text,
            secret: inputs.httpSecret,
            tls: inputs.tls.map {
                HTTP.TLS(certificate: $0.certificate, key: $0.key, clientcas: $0.clientCA.map { [$0] })
            },
            debug: debug
        )
        self.init(
            log: Log(level: config.logLevel.rawValue),
            http: http,
            auth: Auth(config: config, inputs: inputs),
            proxy: config.cache.map(Proxy.init),
            storage: Storage(config: config, inputs: inputs)
        )
    }
}
