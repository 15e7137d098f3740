import JujuKit

/// One application of tag retention: survey, plan, delete, then the garbage collection that frees the blobs (with
/// the registry read-only meanwhile); or, dry, only the plan and the bytes it would free.
struct RetentionRun {
    /// What a run did (or, dry, would do).
    struct Outcome {
        var plan: RetentionPlan
        /// The bytes the plan frees, from the manifests' blob sizes.
        var estimatedBytes: Int
        /// The collection after the deletions; `nil` for a dry run or when nothing was deleted.
        var collection: GarbageCollection.Outcome?

        /// The bytes freed: the collection's measure when there was one, else the estimate.
        var bytesFreed: Int { collection?.bytesFreed ?? (collection == nil ? estimatedBytes : 0) }
    }

    let environment: CharmEnvironment
    let config: CharmConfig
    let policy: RetentionPolicy
    let api: RegistryAPI
    let log: (String) async -> Void
    /// The collection that follows the deletions; `nil` when the leader asks for a shared one instead
    /// (``SharedCollection``).
    var collection: GarbageCollection?

    func run(dryRun: Bool) async throws -> Outcome {
        let files = environment.files
        let root = environment.paths.dataDirectory
        let onFilesystem = config.storage == .filesystem
        let retention = Retention(
            api: api,
            policy: policy,
            pushTime: { repository, tag in
                onFilesystem
                    ? files.modificationTime(of: Retention.tagLink(root: root, repository: repository, tag: tag)) : nil
            },
            log: log
        )
        let survey = try await retention.survey()
        let plan = RetentionPlan(survey.tags, policy: policy)
        let estimate = retention.estimatedBytes(plan, survey)
        var outcome = Outcome(plan: plan, estimatedBytes: estimate)
        guard !dryRun else { return outcome }
        guard !plan.deletions.isEmpty else {
            await log("Nothing to delete: \(plan.kept.count) tags kept.")
            return outcome
        }
        _ = try await retention.delete(plan)
        outcome.collection = try await collection?.run(dryRun: false, untagged: false)
        return outcome
    }
}
