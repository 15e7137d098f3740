/// Tag retention: which tags may go, how many stay, how often it is applied.
public struct RetentionPolicy: Sendable, Equatable {
    /// `retention-keep-tags`: the newest tags kept per repository among those the patterns allow to delete.
    public var keepTags: Int
    /// `retention-tag-pattern`: the globs (space separated) of the tags retention may delete; others are kept.
    public var patterns: [TagGlob]
    /// `retention-interval`, in seconds: how often `update-status` applies it.
    public var intervalSeconds: Int

    /// The one tag name retention never deletes.
    public static let alwaysKept = "latest"

    /// Whether retention may delete `tag`: it matches a pattern and is not `latest`.
    public func mayDelete(_ tag: String) -> Bool {
        tag != Self.alwaysKept && patterns.contains { $0.matches(tag) }
    }
}

extension CharmConfig {
    /// Reads `retention-keep-tags`, `retention-tag-pattern` and `retention-interval`.
    ///
    /// `nil` when retention is off (keep-tags 0). Retention deletes through the API, so it needs `storage-delete`.
    static func readRetention(_ reader: inout ConfigReader, storageDelete: Bool) -> RetentionPolicy? {
        let keep = reader.int("retention-keep-tags")
        let patternText = reader.string("retention-tag-pattern").trimmingWhitespace
        let intervalText = reader.string("retention-interval").trimmingWhitespace
        var patterns: [TagGlob] = []
        for word in patternText.split(whereSeparator: \.isWhitespace) {
            guard let glob = TagGlob(String(word)) else {
                reader.report(
                    "retention-tag-pattern",
                    "'\(word)' is not a glob: a [ set is not closed or is empty; use *, ? and [a-z] (e.g. 'v*')"
                )
                break
            }
            patterns.append(glob)
        }
        if patterns.isEmpty, !reader.hasProblem("retention-tag-pattern") {
            reader.report("retention-tag-pattern", "is empty: set a glob of the tags retention may delete, e.g. '*'")
        }
        let interval = DurationText.seconds(intervalText)
        if interval == nil {
            reader.report(
                "retention-interval",
                "'\(intervalText)' is not a duration: use a number with d, h, m or s, e.g. 24h or 1h30m"
            )
        } else if let interval, interval < 60 {
            reader.report("retention-interval", "'\(intervalText)' is shorter than a minute: set 1m or more")
        }
        guard keep != 0 else { return nil }
        if keep < 0 {
            reader.report("retention-keep-tags", "must be 0 (off) or more, not \(keep)")
            return nil
        }
        if !storageDelete {
            reader.report(
                "retention-keep-tags",
                "deletes tags through the registry API, which storage-delete=false forbids: set storage-delete=true"
                    + " or retention-keep-tags=0"
            )
        }
        return RetentionPolicy(keepTags: keep, patterns: patterns, intervalSeconds: interval ?? 86_400)
    }
}
