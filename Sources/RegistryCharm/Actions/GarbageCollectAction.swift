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
        let outcome: GarbageCollection.Outcome
        do {
            outcome = try await collection(config).run(dryRun: dryRun, untagged: untagged)
        } catch let failure as GarbageCollection.Failure {
            throw ActionFailure(failure.description)
        }
        await report(outcome, dryRun: dryRun)
    }

    /// The collection this action runs, logging to the action and sizing object-storage blobs through the API.
    func collection(_ config: CharmConfig) -> GarbageCollection {
        let action = self.action
        let access = RegistryAPIAccess(charm: charm, session: action.session)
        return GarbageCollection(
            environment: charm.environment,
            config: config,
            log: { await action.log($0) },
            blobSizes: { digests in
                guard let api = try? await access.api() else { return nil }
                return await BlobSizes(api: api).total(of: digests)
            }
        )
    }

    /// Sets the results and logs the one-line summary.
    func report(_ outcome: GarbageCollection.Outcome, dryRun: Bool) async {
        let summary = outcome.summary
        action.set("dry-run", String(dryRun))
        action.set("blobs-freed", String(summary.blobs))
        action.set("manifests-freed", String(summary.manifests))
        if let bytes = outcome.bytesFreed { action.set("bytes-freed", String(bytes)) }
        if let seconds = outcome.readOnlySeconds {
            action.set("read-only-seconds", String(Double(Int(seconds * 10)) / 10))
        }
        action.set("output", summary.line)
        await action.log(
            (dryRun ? "Would free " : "Freed ") + "\(summary.blobs) blobs"
                + (outcome.bytesFreed.map { " (\(ListAction.byteCount($0)))" } ?? "") + "."
        )
    }
}
