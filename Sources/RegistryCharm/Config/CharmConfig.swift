public import JujuKit

/// The charm's configuration, typed and validated.
///
/// Built from `config-get --format=json`; it never throws. A value that is missing takes the option's default
/// (`CharmOptions`); a value of the wrong type or an invalid one becomes a `ConfigProblem` and the property keeps a
/// safe fallback. When `problems` is not empty nothing may be rendered or changed: the unit is blocked with
/// `problems.blockedMessage` and the running registry keeps its last good configuration.
public struct CharmConfig: Sendable, Equatable {
    // MARK: Registry container

    /// `registry-image`: the registry's container image.
    public let registryImage: String
    /// `registry-name`: the registry container's name.
    public let registryName: String
    /// `registry-port`: where the registry listens (host networking).
    public let registryPort: Int
    /// `debug-port`: where the debug and metrics listener runs, with `prometheusMetrics` only.
    public let debugPort: Int
    /// `pull-port`: where the read-only pull listener serves, when ``RegistryAccounts/needsPullListener``.
    public let pullPort: Int
    /// `registry-http-proxy`: `HTTP_PROXY` for the registry container, if set.
    public let registryHTTPProxy: String?
    /// `registry-https-proxy`: `HTTPS_PROXY` for the registry container, if set.
    public let registryHTTPSProxy: String?

    // MARK: Registry configuration

    /// `http-host`: the registry's external URL, if set.
    public let httpHost: ParsedURL?
    /// `log-level`.
    public let logLevel: LogLevel
    /// `prometheus-metrics`: serve `/metrics` on `debugPort`.
    public let prometheusMetrics: Bool
    /// `auth-basic-*` or `auth-token-*`: how clients authenticate.
    public let auth: RegistryAuth
    /// `cache-*`: pull-through cache settings, when `cache-remoteurl` is set.
    public let cache: PullThroughCache?
    /// `storage-swift-*`, `storage-s3-*`: the storage driver.
    public let storage: StorageBackend
    /// `storage-delete`: allow deleting manifests and blobs through the API.
    public let storageDelete: Bool
    /// `retention-*`: tag retention, when `retention-keep-tags` is above 0.
    public let retention: RetentionPolicy?
    /// `storage-read-only`: refuse pushes.
    public let storageReadOnly: Bool
    /// `storage-cache`: the blob descriptor cache.
    public let storageCache: StorageCacheMode
    /// `storage-redirect-disable`: serve blobs through the registry instead of redirecting to the backend.
    public let storageRedirectDisable: Bool
    /// `tls-*`: TLS material from config and its host paths.
    public let tls: TLSOptions

    // MARK: Docker host (inherited from layer-docker)

    /// `docker_runtime`.
    public let dockerRuntime: DockerRuntime
    /// `docker_runtime_repo`: the custom apt source line, if set.
    public let dockerRuntimeRepo: String?
    /// `docker_runtime_key_url`: the custom repository's key, if set.
    public let dockerRuntimeKeyURL: String?
    /// `docker_runtime_package`: the custom repository's docker package, if set.
    public let dockerRuntimePackage: String?
    /// `install_from_upstream` (deprecated in favour of `docker_runtime=upstream`).
    public let installFromUpstream: Bool
    /// `apt-key-server`.
    public let aptKeyServer: String
    /// `cuda_repo`: the cuda-repo package version for `nvidia`.
    public let cudaRepo: String
    /// `docker-ce-package`: the pinned docker-ce for `nvidia`.
    public let dockerCEPackage: String
    /// `nvidia-docker-package`: the pinned nvidia-docker2.
    public let nvidiaDockerPackage: String
    /// `nvidia-container-runtime-package`: the pinned nvidia-container-runtime.
    public let nvidiaContainerRuntimePackage: String
    /// `daemon-opts`: the base of `daemon.json`.
    public let daemonOpts: [String: JSONValue]
    /// `docker-opts`: extra dockerd arguments, split into words.
    public let dockerOpts: [String]
    /// `http_proxy` for dockerd, if set.
    public let httpProxy: String?
    /// `https_proxy` for dockerd, if set.
    public let httpsProxy: String?
    /// `no_proxy` for dockerd, if set.
    public let noProxy: String?
    /// `enable-cgroups`: GRUB memory cgroup overrides.
    public let enableCgroups: Bool

    // MARK: Monitoring and packages (inherited from layer-nagios and layer-apt)

    /// `nagios_context`.
    public let nagiosContext: String
    /// `nagios_servicegroups`, if set.
    public let nagiosServicegroups: String?
    /// `extra_packages`, split on white space.
    public let extraPackages: [String]
    /// `package_status`.
    public let packageStatus: PackageStatus
    /// `install_sources`: extra apt sources.
    public let installSources: [String]
    /// `install_keys`: one key per source, empty when unset.
    ///
    /// An item the list gives as `null` (no key needed) reads as "".
    public let installKeys: [String]

    // MARK: Outcome

    /// One problem per invalid option, in option order; empty when the configuration is valid.
    public let problems: [ConfigProblem]
    /// Every secret value present (passwords, keys, credentials inside URLs), for log masking.
    public let secretValues: [String]
    /// What the operator should know about this configuration, such as which of two options wins (logged when it
    /// changes).
    public let notices: [String]

    /// Whether the configuration is valid.
    public var isValid: Bool { problems.isEmpty }

    /// Reads and validates `options` (the JSON object `config-get --format=json` prints) and what the hook read of
    /// the options of `type: secret` (`secrets`, by option name).
    public init(
        options: [String: JSONValue],
        secrets: [String: SecretOptionContent] = [:],
        applicationName: String = "docker-registry"
    ) {
        var reader = ConfigReader(options: options, secrets: secrets, applicationName: applicationName)
        let container = Self.readContainer(&reader)
        registryImage = container.image
        registryName = container.name
        registryPort = container.port
        debugPort = container.debugPort
        registryHTTPProxy = Self.proxy(&reader, "registry-http-proxy")
        registryHTTPSProxy = Self.proxy(&reader, "registry-https-proxy")

        httpHost = Self.readHTTPHost(&reader)
        logLevel = Self.readLogLevel(&reader)
        prometheusMetrics = reader.bool("prometheus-metrics")
        auth = Self.readAuth(&reader)
        pullPort = Self.readPullPort(&reader, auth: auth, registryPort: container.port, debugPort: container.debugPort)
        cache = Self.readCache(&reader)
        tls = Self.readTLS(&reader)

        storage = Self.readStorage(&reader)
        storageDelete = reader.bool("storage-delete")
        storageReadOnly = reader.bool("storage-read-only")
        retention = Self.readRetention(&reader, storageDelete: storageDelete)
        storageCache = Self.oneOf(&reader, "storage-cache", fallback: .inmemory)
        storageRedirectDisable = reader.bool("storage-redirect-disable")

        let runtime = Self.readDockerRuntime(&reader)
        dockerRuntime = runtime.runtime
        dockerRuntimeRepo = runtime.repo
        dockerRuntimeKeyURL = runtime.keyURL
        dockerRuntimePackage = runtime.package
        installFromUpstream = reader.bool("install_from_upstream")
        aptKeyServer = reader.string("apt-key-server")
        cudaRepo = reader.string("cuda_repo")
        dockerCEPackage = reader.string("docker-ce-package")
        nvidiaDockerPackage = reader.string("nvidia-docker-package")
        nvidiaContainerRuntimePackage = reader.string("nvidia-container-runtime-package")
        daemonOpts = Self.readDaemonOpts(&reader)
        dockerOpts = Self.readDockerOpts(&reader)
        httpProxy = Self.proxy(&reader, "http_proxy")
        httpsProxy = Self.proxy(&reader, "https_proxy")
        noProxy = Self.readNoProxy(&reader)
        enableCgroups = reader.bool("enable-cgroups")

        nagiosContext = Self.nagiosNames(&reader, "nagios_context", list: false) ?? "juju"
        nagiosServicegroups = Self.nagiosNames(&reader, "nagios_servicegroups", list: true)
        extraPackages = Self.readExtraPackages(&reader)
        packageStatus = Self.oneOf(&reader, "package_status", fallback: .install)
        let apt = Self.readAptSources(&reader)
        installSources = apt.sources
        installKeys = apt.keys

        let order = Dictionary(
            CharmOptions.all.enumerated().map { ($1.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        problems = reader.problems.sorted { (order[$0.option] ?? .max) < (order[$1.option] ?? .max) }
        secretValues = Self.collectSecrets(reader, auth: auth)
        notices = reader.notices
    }
}
