public import JujuKit

/// The type Juju gives a charm option.
public enum ConfigOptionType: String, Sendable, Equatable {
    /// `type: string`.
    case string
    /// `type: int`.
    case int
    /// `type: boolean`.
    case boolean
    /// `type: secret`: a secret URI (`secret:…`), or empty (Juju 3.3 and later).
    case secret
}

/// One option of the charm's `config.yaml`: its name, type and default.
public struct ConfigOptionSpec: Sendable, Equatable {
    /// The option's name, such as `registry-port`.
    public let name: String
    /// Its Juju type.
    public let type: ConfigOptionType
    /// Its default, `.null` when `config.yaml` gives none.
    public let defaultValue: JSONValue

    /// Creates a spec.
    public init(_ name: String, _ type: ConfigOptionType, _ defaultValue: JSONValue) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
    }
}

/// Every option of the charm: its own and those the reactive charm inherited from its docker, nagios and apt layers.
///
/// Same names, types and defaults as the reactive charm (`original-charm.md` §A.3). `CharmConfig` falls back to these
/// defaults for options missing from `config-get`.
public enum CharmOptions {
    /// The default `daemon-opts`: json-file logs, 10 MB per file, at most 100 files.
    public static let defaultDaemonOpts = """
        {
          "log-driver": "json-file",
          "log-opts": {
            "max-size": "10m",
            "max-file": "100"
          }
        }

        """

    /// All options, sorted by name.
    public static let all: [ConfigOptionSpec] = (registryOptions + storageOptions + layerOptions)
        .sorted { $0.name < $1.name }

    /// The spec for `name`, if the charm has such an option.
    public static func spec(_ name: String) -> ConfigOptionSpec? {
        all.first { $0.name == name }
    }

    static let registryOptions: [ConfigOptionSpec] = [
        .init("auth-accounts", .secret, ""),
        .init("auth-anonymous-pull", .boolean, false),
        .init("auth-basic-password", .string, ""),
        .init("auth-basic-user", .string, "admin"),
        .init("auth-token-issuer", .string, ""),
        .init("auth-token-realm", .string, ""),
        .init("auth-token-root-certs", .string, ""),
        .init("auth-token-service", .string, ""),
        .init("cache-credentials", .secret, ""),
        .init("cache-password", .string, ""),
        .init("cache-remoteurl", .string, ""),
        .init("cache-username", .string, ""),
        .init("debug-port", .int, 5001),
        .init("http-host", .string, ""),
        .init("log-level", .string, "info"),
        .init("prometheus-metrics", .boolean, false),
        .init("pull-port", .int, 5002),
        .init("registry-http-proxy", .string, .null),
        .init("registry-https-proxy", .string, .null),
        .init("registry-image", .string, "registry:2"),
        .init("registry-name", .string, "registry"),
        .init("registry-port", .int, 5000),
        .init("retention-interval", .string, "24h"),
        .init("retention-keep-tags", .int, 0),
        .init("retention-tag-pattern", .string, "*"),
        .init("tls-ca-blob", .string, ""),
        .init("tls-ca-path", .string, "/etc/docker/registry/ca.crt"),
        .init("tls-cert-blob", .string, ""),
        .init("tls-cert-path", .string, "/etc/docker/registry/registry.crt"),
        .init("tls-key-blob", .string, ""),
        .init("tls-key-path", .string, "/etc/docker/registry/registry.key"),
    ]

    static let storageOptions: [ConfigOptionSpec] = [
        .init("storage-cache", .string, "inmemory"),
        .init("storage-delete", .boolean, false),
        .init("storage-read-only", .boolean, false),
        .init("storage-redirect-disable", .boolean, true),
        .init("storage-s3-accelerate", .boolean, false),
        .init("storage-s3-accesskey", .string, .null),
        .init("storage-s3-bucket", .string, .null),
        .init("storage-s3-credentials", .secret, ""),
        .init("storage-s3-chunksize", .int, 10_485_760),
        .init("storage-s3-encrypt", .boolean, false),
        .init("storage-s3-forcepathstyle", .boolean, false),
        .init("storage-s3-keyid", .string, .null),
        .init("storage-s3-loglevel", .string, "off"),
        .init("storage-s3-multipartcopychunksize", .int, 33_554_432),
        .init("storage-s3-multipartcopymaxconcurrency", .int, 100),
        .init("storage-s3-multipartcopythresholdsize", .int, 33_554_432),
        .init("storage-s3-objectacl", .string, "private"),
        .init("storage-s3-region", .string, .null),
        .init("storage-s3-regionendpoint", .string, .null),
        .init("storage-s3-rootdirectory", .string, .null),
        .init("storage-s3-secretkey", .string, .null),
        .init("storage-s3-secure", .boolean, true),
        .init("storage-s3-skip-v4-auth", .boolean, true),
        .init("storage-s3-skip-verify", .boolean, false),
        .init("storage-s3-storageclass", .string, "STANDARD"),
        .init("storage-s3-usedualstack", .boolean, false),
        .init("storage-s3-useragent", .string, .null),
        .init("storage-swift-authurl", .string, ""),
        .init("storage-swift-container", .string, "docker-registry"),
        .init("storage-swift-credentials", .secret, ""),
        .init("storage-swift-domain", .string, ""),
        .init("storage-swift-password", .string, ""),
        .init("storage-swift-region", .string, ""),
        .init("storage-swift-tenant", .string, ""),
        .init("storage-swift-username", .string, ""),
    ]

    static let layerOptions: [ConfigOptionSpec] = [
        // layer-docker
        .init("apt-key-server", .string, "hkp://keyserver.ubuntu.com:80"),
        .init("cuda_repo", .string, "10.0.130-1"),
        .init("daemon-opts", .string, .string(defaultDaemonOpts)),
        .init("docker-ce-package", .string, "docker-ce=5:18.09.1~3-0~ubuntu-bionic"),
        .init("docker-opts", .string, ""),
        .init("docker_runtime", .string, "auto"),
        .init("docker_runtime_key_url", .string, ""),
        .init("docker_runtime_package", .string, ""),
        .init("docker_runtime_repo", .string, ""),
        .init("enable-cgroups", .boolean, false),
        .init("http_proxy", .string, ""),
        .init("https_proxy", .string, ""),
        .init("install_from_upstream", .boolean, false),
        .init("no_proxy", .string, ""),
        .init("nvidia-container-runtime-package", .string, "nvidia-container-runtime=2.0.0+docker18.09.1-1"),
        .init("nvidia-docker-package", .string, "nvidia-docker2=2.0.3+docker18.09.1-1"),
        // layer-nagios
        .init("nagios_context", .string, "juju"),
        .init("nagios_servicegroups", .string, ""),
        // layer-apt
        .init("extra_packages", .string, ""),
        .init("install_keys", .string, ""),
        .init("install_sources", .string, ""),
        .init("package_status", .string, "install"),
    ]
}
