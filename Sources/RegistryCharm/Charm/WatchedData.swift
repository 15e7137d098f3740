import JujuKit

/// Every record the charm keeps with `dataChanged` to act (or log) only when something changed; the raw values are
/// the names in the unit state, kept across refreshes.
enum WatchedData: String, WatchedDataKey {
    /// The basic-auth user and password (only a digest is kept): the htpasswd file is rewritten when they change.
    case basicAuth = "basic-auth"
    /// The push and pull accounts (only a digest is kept): their htpasswd files are rewritten when they change.
    case accounts = "auth.accounts"
    /// Whether related clients get no credentials, every pull account being a hash: warned once.
    case clientsWithoutPassword = "auth.clients-without-password"
    /// The configuration's notices (which of two options wins): logged when they change.
    case configNotices = "config.notices"
    /// What cert-provider sent, summarised without key material: logged when it changes.
    case certProviderReceipt = "cert-provider.receipt"
    /// The docker options the host ignored: logged when they change.
    case dockerHostIgnored = "docker-host.ignored"
    /// The options the image's registry version refuses: logged when they change.
    case versionProblems = "registry.version-problems"
    /// Why writing the registry's files failed: logged once per reason.
    case writeFailure = "registry.write-failure"
    /// Why the object store is not usable: logged once per reason.
    case storageProblem = "storage.problem"
    /// TLS given both in config and over cert-provider: the warning is logged once.
    case tlsConfigOverRelation = "tls.config-over-relation"
}
