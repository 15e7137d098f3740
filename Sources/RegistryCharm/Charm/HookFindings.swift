import JujuKit

/// This hook's typed configuration and what blocks the unit, worked out once per hook by
/// ``RegistryCharm/prepared(_:)`` and kept in the hook state (never in the charm object, so no handler depends on
/// another having run first).
struct PreparedConfig {
    /// The typed configuration.
    var config: CharmConfig
    /// Problems with the TLS material given in config (parsed, matched, in date, usable paths).
    var tlsProblems: [ConfigProblem]
    /// Problems the S3 or Swift store showed when probed in `configure` (unreachable, keys refused, no bucket).
    var storageProblems: [ConfigProblem] = []
    /// Options the registry version the image runs does not support (the swift driver on registry:3).
    var versionProblems: [ConfigProblem] = []

    /// Every problem that blocks the unit: invalid options, unusable TLS material, an object store not usable,
    /// options the image's registry version refuses.
    var problems: [ConfigProblem] { config.problems + tlsProblems + storageProblems + versionProblems }
}

/// What a reconcile in this hook did to the registry container: returned by ``RegistryCharm/configure(_:)`` and
/// kept in the hook state, where the status reads it.
struct ReconcileReport {
    /// This hook created, re-created or started the container and it serves (the status needs no second inspect).
    var justStarted = false
    /// This hook started a container and watched it; its verdict is the unit state's crash reason.
    var watched = false
    /// This hook probed the container it started (the verdict is in the unit state).
    var probed = false
    /// Docker refused to create or start the registry: the sentence the operator must see.
    var failure: String?
    /// Writing the registry's files failed (a full file system): the whole sentence the status shows.
    var writeFailure: String?
}
