public import JujuKit

/// The charm's persistent flags.
///
/// Names of flags the reactive charm had are kept, so a reader of either charm recognises them.
public enum RegistryFlags {
    /// A docker engine is installed and answered.
    public static let dockerReady: Flag = "docker.ready"
    /// `config.yml` is written and the registry container was started with it.
    public static let configured: Flag = "charm.docker-registry.configured"
    /// An operator stopped the container with the `stop` action; nothing restarts it but `start` or a new config.
    public static let stoppedByOperator: Flag = "charm.docker-registry.stopped-by-operator"
    /// A reconcile failed part-way or is owed; the next hook (even update-status) runs it.
    public static let reconcilePending: Flag = "charm.docker-registry.reconcile-pending"
    /// A series upgrade is in progress: the registry and dockerd stay stopped.
    public static let seriesUpgrade: Flag = "upgrade.series.in-progress"
}

/// The options of the apt layer whose change makes the `extra-packages` handler run, named once.
enum PackageOption: String, CaseIterable {
    /// `extra_packages`: debian packages to install.
    case extraPackages = "extra_packages"
    /// `install_sources`: apt sources to add.
    case installSources = "install_sources"
    /// `install_keys`: the keys of those sources.
    case installKeys = "install_keys"
    /// `package_status`: `install` or `hold`.
    case packageStatus = "package_status"

    /// The flag set when this option changed since the last successful hook.
    var changedFlag: Flag { .configChanged(rawValue) }
}

/// Keys of values the charm keeps between hooks (digests, names; never secrets in clear).
enum StateKeys {
    /// The container name the registry runs under, to remove it when `registry-name` changes.
    static let containerName = "registry.container-name"
    /// The ports this unit opened, as `5000/tcp` strings.
    static let openedPorts = "registry.opened-ports"
    /// The address shown in the status (`<private-address>:<registry-port>`).
    static let address = "registry.address"
    /// The netloc clients use: http-host's, the proxy's, or <address>:<registry-port>.
    static let netloc = "registry.netloc"
    /// Whether the registry serves https.
    static let scheme = "registry.scheme"
    /// Whether a reverse proxy (the website relation) fronts the registry.
    static let proxied = "registry.proxied"
    /// The status the cert-provider relation calls for while its certificate is not applied (a message), if any.
    static let certificateStatus = "cert-provider.status"
    /// Where the TLS files the charm wrote came from: `config` (the blobs) or `relation` (cert-provider).
    static let tlsSource = "registry.tls-source"
    /// Why the registry container does not serve (it exits at start and docker keeps restarting it), if it does not.
    static let crashReason = "registry.crash-reason"
    /// The container's restart count when it last served; more restarts since then mean a crash loop.
    static let restartBaseline = "registry.restart-baseline"
    /// The nrpe check files the charm wrote, to remove them when the relation or the unit goes.
    static let nrpeFiles = "nrpe.files"
    /// The netloc the local docker trusts, to untrust it when it changes.
    static let trustedNetloc = "registry.trusted-netloc"
    /// When the certificate the registry serves expires (seconds since 1970); absent without TLS.
    static let certificateNotAfter = "registry.certificate-not-after"
    /// The TLS files the charm wrote from config blobs, to remove them when the blobs are cleared.
    static let writtenTLSFiles = "registry.tls-files"
    /// The host directory of the registry's filesystem storage (its free space is in the status when it runs low);
    /// absent with object storage.
    static let filesystemData = "registry.filesystem-data"
    /// The image the registry's version was read from: `reference`, `id` and the `version` line it printed.
    static let registryImage = "registry.image"
    /// The workload version last given to `application-version-set`.
    static let workloadVersion = "registry.workload-version"
    /// Why docker would not run the registry (a pull or a run refused), as last logged; logged again only when it
    /// changes.
    static let startFailure = "registry.start-failure"
    /// How the registry answered the last probe of `GET /v2/` when not as configured (scheme, certificate, auth);
    /// absent when it answered as configured.
    static let probeFailure = "registry.probe-failure"
    /// The id of the container the last probe reached: another id (a container re-created behind the charm's back)
    /// is probed again.
    static let probedContainer = "registry.probed-container"
    /// The registry container's main process when it was last found serving as configured (`pid`, `start`, the
    /// start time `/proc` gives): while that very process runs, the container has neither stopped nor restarted nor
    /// been replaced, so an idle `update-status` needs to ask docker nothing.
    static let servingProcess = "registry.serving-process"
    /// The pull listener (``PullListener``) as last found serving: `name`, `specDigest`, `pid`, `start`, `port`;
    /// absent when none runs.
    static let pullListener = "registry.pull-listener"
    /// Why the pull listener does not serve as configured, if it does not.
    static let pullListenerProblem = "registry.pull-listener-problem"
    /// `host:port` where pull-only accounts and anonymous clients pull, while the pull listener runs.
    static let pullNetloc = "registry.pull-netloc"
    /// Tag retention's schedule: `due` (seconds since 1970) and the `interval` it was set for; absent when this unit
    /// does not apply retention.
    static let retentionDue = "retention.due"
    /// On the leader, the read-only request of a shared collection it is waiting on (``SharedCollection``).
    static let sharedCollection = "collection.shared-request"
}
