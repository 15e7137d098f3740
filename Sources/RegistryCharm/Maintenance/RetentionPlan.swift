/// What tag retention deletes and keeps, worked out from what the registry holds; no request is made here.
///
/// Per repository, the tags the policy may delete (``RetentionPolicy/mayDelete(_:)``) are ranked newest first (a tag
/// whose time is unknown counts as newest, so it is kept; equal times rank by tag name, higher first) and the first
/// `keepTags` stay; every other tag stays too. The registry deletes manifests, not tags, and every tag of a manifest
/// goes with it, so a tag to delete whose manifest a kept tag of the same repository also names is kept. An index
/// deleted takes the manifests it lists along, unless a kept manifest of the repository lists or is one of them.
struct RetentionPlan: Equatable {
    /// One tag of one repository, with what retention needs to know of its manifest.
    struct Tagged: Equatable {
        var repository: String
        var tag: String
        /// The manifest the tag names.
        var digest: String
        /// When it was pushed (or the image made), seconds since 1970; `nil` when unknown.
        var time: Double?
        /// The manifests it lists, for an index.
        var children: [String] = []

        /// `repository:tag`.
        var reference: String { "\(repository):\(tag)" }
    }

    /// A manifest to delete.
    struct Deletion: Equatable, Hashable {
        var repository: String
        var digest: String
    }

    /// Tags that go, in repository then rank order.
    var deleted: [Tagged] = []
    /// Tags that stay.
    var kept: [Tagged] = []
    /// Manifests to delete through the API: each index before the manifests it lists.
    var deletions: [Deletion] = []

    /// Plans retention of `tags` under `policy`.
    init(_ tags: [Tagged], policy: RetentionPolicy) {
        let repositories = Dictionary(grouping: tags, by: \.repository)
        for repository in repositories.keys.sorted() {
            let all = repositories[repository] ?? []
            let candidates = all.filter { policy.mayDelete($0.tag) }.sorted(by: Self.newerFirst)
            var keep = all.filter { !policy.mayDelete($0.tag) } + candidates.prefix(policy.keepTags)
            var drop = Array(candidates.dropFirst(policy.keepTags))
            // A manifest a kept tag names stays, with every tag of it.
            let keptDigests = Set(keep.map(\.digest))
            keep += drop.filter { keptDigests.contains($0.digest) }
            drop.removeAll { keptDigests.contains($0.digest) }

            let keptManifests = Set(keep.flatMap { [$0.digest] + $0.children })
            var planned = Set<Deletion>()
            for tagged in drop {
                for digest in [tagged.digest] + tagged.children where !keptManifests.contains(digest) {
                    let deletion = Deletion(repository: repository, digest: digest)
                    if planned.insert(deletion).inserted { deletions.append(deletion) }
                }
            }
            kept += keep.sorted { $0.tag < $1.tag }
            deleted += drop
        }
    }

    private static func newerFirst(_ left: Tagged, _ right: Tagged) -> Bool {
        switch (left.time, right.time) {
        case (nil, nil): return left.tag > right.tag
        case (nil, _): return true
        case (_, nil): return false
        case (let a?, let b?): return a == b ? left.tag > right.tag : a > b
        }
    }
}
