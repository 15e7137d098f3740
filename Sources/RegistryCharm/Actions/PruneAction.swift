import JujuKit

/// `prune dry-run=`: applies tag retention now (``RetentionRun``).
///
/// The tags beyond `retention-keep-tags` among those `retention-tag-pattern` allows are deleted, then the garbage
/// collector frees their blobs while the registry serves read-only. A dry run deletes nothing and says what would go.
///
/// Results: `deleted` and `kept` (tags), `bytes-freed` (dry: what the deleted manifests' blobs add up to), `dry-run`,
/// and `output` (one `repository:tag` line per deleted tag).
struct PruneAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let dryRun = try action.parameters.bool("dry-run", default: false)
        let config = try await charm.prepared(action.session).config
        guard let policy = config.retention else {
            throw ActionFailure(
                "Retention is off: set retention-keep-tags to the number of tags to keep per repository."
            )
        }
        guard config.storageDelete else {
            throw ActionFailure("Retention deletes tags through the registry API: set storage-delete=true first.")
        }
        let shared = SharedCollection(charm: charm, session: action.session)
        let peers = try await shared.peers(config)
        if let peers, !dryRun { try await GarbageCollectAction.checkLeader(action.session, peers: peers.units) }
        var run = RetentionRun(
            environment: charm.environment,
            config: config,
            policy: policy,
            api: try await RegistryAPIAccess(charm: charm, session: action.session).api(),
            log: { await action.log($0) }
        )
        if peers == nil {
            run.collection = GarbageCollection(charm: charm, session: action.session, config: config) {
                await action.log($0)
            }
        }
        let outcome: RetentionRun.Outcome
        do {
            outcome = try await run.run(dryRun: dryRun)
        } catch let error as RegistryClientError {
            throw ActionFailure("Could not apply retention: \(error.description).")
        } catch let failure as GarbageCollection.Failure {
            throw ActionFailure("The tags were deleted, but: \(failure.description)")
        }
        if let peers, !dryRun, !outcome.plan.deletions.isEmpty {
            // Shared storage: the blobs go in the collection every unit serves read-only for.
            let request = try await shared.request(untagged: false, relation: peers.relation)
            await GarbageCollectAction.reportScheduled(action, peers: peers.units, request: request)
        }
        action.set("dry-run", String(dryRun))
        action.set("deleted", String(outcome.plan.deleted.count))
        action.set("kept", String(outcome.plan.kept.count))
        action.set("bytes-freed", String(outcome.bytesFreed))
        action.set(
            peers != nil && !dryRun ? "deleted-tags" : "output",
            outcome.plan.deleted.isEmpty
                ? "No tag to delete." : outcome.plan.deleted.map(\.reference).joined(separator: "\n")
        )
        if let seconds = outcome.collection?.readOnlyText { action.set("read-only-seconds", seconds) }
        await action.log(
            (dryRun ? "Would delete " : "Deleted ") + "\(outcome.plan.deleted.count) tags and free "
                + "\(ListAction.byteCount(outcome.bytesFreed)); \(outcome.plan.kept.count) tags kept."
        )
    }
}
