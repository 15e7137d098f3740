import JujuKit

/// This hook's typed configuration and what blocks the unit, worked out once per hook and kept in
/// `session.scratch` (never in the charm object, so no handler depends on another having run first).
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
/// kept in `session.scratch`, where the status reads it.
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

extension HookSession {
    /// This hook's prepared configuration; an empty one (every default) before the charm read it.
    var prepared: PreparedConfig {
        scratch[PreparedConfig.self] ?? PreparedConfig(config: CharmConfig(options: [:]), tlsProblems: [])
    }

    /// This hook's typed configuration (see ``prepared``).
    var charmConfig: CharmConfig { prepared.config }

    /// What the last reconcile in this hook did, if one ran.
    var reconcileReport: ReconcileReport? { scratch[ReconcileReport.self] }
}
