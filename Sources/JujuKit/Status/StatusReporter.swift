/// Collects the statuses handlers report during a hook; the highest priority one is set once, at the end.
///
/// Priority: blocked > maintenance > waiting > active; among equals the first reported wins.
/// `progress(_:)` is for long work (installing packages, pulling images): it sets a maintenance status at once
/// so that `juju status` shows what is happening.
public final class StatusReporter {
    private var reported: [WorkloadStatus] = []
    private let tools: any HookTools
    private let secrets: SecretMask
    /// The last status this unit set, from the unit's persisted state and this hook's `progress` calls.
    public private(set) var lastSet: WorkloadStatus?

    private let marker: StatusMarker?

    /// Creates a reporter that sets statuses through `tools`.
    ///
    /// With a `marker` that is set (a hook set a status and then failed), `lastSet` is not trusted: the hook's
    /// status is set even when it equals the recorded one.
    public init(tools: any HookTools, secrets: SecretMask, lastSet: WorkloadStatus?, marker: StatusMarker? = nil) {
        self.tools = tools
        self.secrets = secrets
        self.marker = marker
        self.lastSet = marker?.isSet == true ? nil : lastSet
    }

    /// Reports a candidate for the hook's final status.
    public func report(_ status: WorkloadStatus) {
        reported.append(status)
    }

    /// Sets a maintenance status now, for work that takes a while.
    public func progress(_ message: String) async throws(HookToolError) {
        try await apply(.maintenance(message))
    }

    /// Every status reported so far in this hook, in order.
    public var candidates: [WorkloadStatus] { reported }

    /// The status that wins: highest priority, first reported among equals.
    public var winner: WorkloadStatus? {
        reported.enumerated().max { lhs, rhs in
            lhs.element.state.priority != rhs.element.state.priority
                ? lhs.element.state.priority < rhs.element.state.priority
                : lhs.offset > rhs.offset
        }?.element
    }

    /// Sets the winning status, unless it is what the unit already shows.
    public func commit() async throws(HookToolError) {
        guard let winner else { return }
        try await apply(winner)
    }

    private func apply(_ status: WorkloadStatus) async throws(HookToolError) {
        let safe = WorkloadStatus(status.state, secrets.mask(status.message))
        guard safe != lastSet else { return }
        try? marker?.set()
        try await tools.statusSet(safe, application: false)
        lastSet = safe
    }
}
