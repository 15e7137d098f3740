import JujuKit

/// Tag retention against the registry, through its API.
///
/// What it holds (``survey()``), what would go (``RetentionPlan``, ``estimatedBytes(_:_:)``) and the deletions
/// (``delete(_:)``). The blobs the deleted manifests leave are freed by the garbage collection that follows
/// (``GarbageCollection``).
struct Retention {
    /// Every tag of the registry with its manifest, and the manifests looked at (by digest).
    struct Survey {
        var tags: [RetentionPlan.Tagged] = []
        var manifests: [String: RegistryAPI.Manifest] = [:]
    }

    let api: RegistryAPI
    let policy: RetentionPolicy
    /// When `tag` of `repository` was last pushed, where the storage says so (filesystem storage: the tag link's
    /// modification time); `nil` elsewhere, and then the image's creation time ranks the tags.
    let pushTime: (_ repository: String, _ tag: String) -> Double?
    /// Progress lines.
    let log: (String) async -> Void

    /// Reads every repository, tag and manifest (an index's manifests too), and each tag's time.
    func survey() async throws(RegistryClientError) -> Survey {
        var survey = Survey()
        var created: [String: Double?] = [:]
        let repositories = try await api.repositories()
        await log("Looking at the tags of \(repositories.count) repositories.")
        for repository in repositories.sorted() {
            for tag in try await api.tags(of: repository) {
                guard let manifest = try await api.manifest(repository, tag) else { continue }
                survey.manifests[manifest.digest] = manifest
                var firstChild: RegistryAPI.Manifest?
                for child in manifest.children where survey.manifests[child] == nil {
                    if let found = try await api.manifest(repository, child) {
                        survey.manifests[child] = found
                        if firstChild == nil { firstChild = found }
                    }
                }
                if firstChild == nil, let child = manifest.children.first { firstChild = survey.manifests[child] }
                var time = pushTime(repository, tag)
                if time == nil, let config = manifest.configDigest ?? firstChild?.configDigest {
                    if let known = created[config] {
                        time = known
                    } else {
                        let seconds = try await api.imageCreated(repository, configuration: config).flatMap {
                            UTCTime.seconds(rfc3339: $0)
                        }
                        created[config] = seconds
                        time = seconds
                    }
                }
                survey.tags.append(
                    RetentionPlan.Tagged(
                        repository: repository,
                        tag: tag,
                        digest: manifest.digest,
                        time: time,
                        children: manifest.children
                    )
                )
            }
        }
        return survey
    }

    /// The bytes of the blobs only the manifests `plan` deletes name (blobs a kept manifest also names stay); the
    /// collection afterwards frees about this much.
    func estimatedBytes(_ plan: RetentionPlan, _ survey: Survey) -> Int {
        func blobs(_ digests: [String]) -> Set<RegistryAPI.Manifest.Blob> {
            Set(digests.flatMap { survey.manifests[$0]?.blobs ?? [] })
        }
        let kept = blobs(plan.kept.flatMap { [$0.digest] + $0.children })
        return blobs(plan.deletions.map(\.digest)).subtracting(kept).reduce(0) { $0 + $1.size }
    }

    /// Deletes the manifests of `plan` (a manifest already gone counts as deleted); returns how many went.
    func delete(_ plan: RetentionPlan) async throws(RegistryClientError) -> Int {
        var deleted = 0
        for deletion in plan.deletions {
            _ = try await api.deleteManifest(deletion.repository, digest: deletion.digest)
            deleted += 1
        }
        await log("Deleted \(plan.deleted.count) tags (\(deleted) manifests); \(plan.kept.count) tags kept.")
        return deleted
    }

    /// The link of a tag in distribution's filesystem layout under `root` (the host's data directory), whose
    /// modification time is when the tag was last pushed.
    static func tagLink(root: String, repository: String, tag: String) -> String {
        Path.join(root, "docker/registry/v2/repositories/\(repository)/_manifests/tags/\(tag)/current/link")
    }
}
