import JujuKit

/// `garbage-collect dry-run= untagged=`: runs the registry's own garbage collector while the registry serves
/// read-only (see ``GarbageCollection``), so pulls never stop.
///
/// Results: `blobs-freed`, `manifests-freed`, `bytes-freed` (what a dry run would free; on object storage the sizes
/// the registry reports for the blobs it names), `dry-run`, `read-only-seconds` (how long pushes were refused) and
/// `output` (the collector's summary).
struct GarbageCollectAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let dryRun = try action.parameters.bool("dry-run", default: false)
        let untagged = try action.parameters.bool("untagged", default: false)
        let config = try await charm.prepared(action.session).config
        let shared = SharedCollection(charm: charm, session: action.session)
        if !dryRun, let peers = try await shared.peers(config) {
            try await Self.checkLeader(action.session, peers: peers.units)
            let request = try await shared.request(untagged: untagged, relation: peers.relation)
            await Self.reportScheduled(action, peers: peers.units, request: request)
            action.set("dry-run", "false")
            return
        }
        let outcome: GarbageCollection.Outcome
        do {
            outcome = try await GarbageCollection(charm: charm, session: action.session, config: config) {
                await action.log($0)
            }.run(dryRun: dryRun, untagged: untagged)
        } catch let failure as GarbageCollection.Failure {
            throw ActionFailure(failure.description)
        }
        await report(outcome, dryRun: dryRun)
    }

    /// On storage shared with `peers`, only the leader collects.
    static func checkLeader(_ session: RegistrySession, peers: [String]) async throws {
        guard try await session.isLeader() else {
            throw ActionFailure(
                "The storage is shared with \(peers.count) other units and only the leader collects: run this action on"
                    + " the leader unit."
            )
        }
    }

    /// Says that the collection waits for every unit to serve read-only (``SharedCollection``).
    static func reportScheduled(_ action: RegistryActionContext, peers: [String], request: SharedCollection.Request)
        async
    {
        let message =
            "Every unit serves read-only first (\(peers.joined(separator: ", ")) answer in their next hook); then"
            + " this unit collects and logs what it freed (juju debug-log), and every unit is writable again."
        action.set("scheduled", "true")
        action.set("request", request.id)
        action.set("output", message)
        await action.log(message)
    }

    /// Sets the results and logs the one-line summary.
    func report(_ outcome: GarbageCollection.Outcome, dryRun: Bool) async {
        let summary = outcome.summary
        action.set("dry-run", String(dryRun))
        action.set("blobs-freed", String(summary.blobs))
        action.set("manifests-freed", String(summary.manifests))
        if let bytes = outcome.bytesFreed { action.set("bytes-freed", String(bytes)) }
        if let seconds = outcome.readOnlyText { action.set("read-only-seconds", seconds) }
        action.set("output", summary.line)
        await action.log(
            (dryRun ? "Would free " : "Freed ") + "\(summary.blobs) blobs"
                + (outcome.bytesFreed.map { " (\(ListAction.byteCount($0)))" } ?? "") + "."
        )
    }
}
