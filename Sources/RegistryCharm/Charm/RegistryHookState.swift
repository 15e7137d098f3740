public import JujuKit

/// A hook session of this charm: the session carries a ``RegistryHookState``.
public typealias RegistrySession = HookSession<RegistryHookState>

/// An action of this charm, run in a ``RegistrySession``.
typealias RegistryActionContext = ActionContext<RegistryHookState>

/// What this charm's handlers work out during one hook and share with later handlers and the status.
///
/// Made fresh for every hook by ``RegistryCharm/makeHookState()`` and never persisted (what must outlive the hook
/// goes to the unit state, `session.values`). One optional property per fact, `nil` until the handler that works it
/// out has run; the compiler checks every read and write.
public final class RegistryHookState {
    /// The typed configuration and what blocks the unit; set by ``RegistryCharm/prepared(_:)``, the one function
    /// that prepares it (read it through that function, never here).
    var preparedConfig: PreparedConfig?
    /// What the last reconcile in this hook did to the registry container, if one ran.
    var reconcileReport: ReconcileReport?
    /// How the registry serves after a successful reconcile in this hook (what the relations publish).
    var served: ServedRegistry?
    /// The certificate cert-provider sent, read once per hook (see ``CertProvider``).
    var certificateReceipt: CertificateReceipt?
    /// Whether a proxy on the website relation fronts the registry, read once per hook (see ``WebsiteProxy``).
    var websiteProxy: WebsiteProxy?
    /// This unit's addresses, read once per hook (see ``UnitAddresses``).
    var unitAddresses: UnitAddresses?
    /// Relation values refused this hook (not an address, a name too long), for the status.
    var refusedRelationData = RefusedRelationData()
    /// An `http.secret` found in the reactive charm's `config.yml` by ``ReactiveAdoption``, for ``HTTPSecret``.
    var adoptedHTTPSecret: String?
    /// The status an idle `update-status` keeps (it found nothing to do before its other handlers ran).
    var idleStatus: WorkloadStatus?
    /// What the inspection found about the registry container (see ``RegistryInspection``).
    var findings: RegistryFindings?

    /// Creates the empty state of a new hook.
    init() {}
}
