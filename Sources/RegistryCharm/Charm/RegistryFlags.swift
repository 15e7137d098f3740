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
    /// The netloc the local docker trusts, to untrust it when it changes.
    static let trustedNetloc = "registry.trusted-netloc"
    /// The TLS files the charm wrote from config blobs, to remove them when the blobs are cleared.
    static let writtenTLSFiles = "registry.tls-files"
}
