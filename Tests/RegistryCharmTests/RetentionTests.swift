import Foundation
import JujuKit
import RegistryCharm
import Testing

@testable import RegistryCharm

@Suite("Tag retention: globs, durations, times and the plan")
struct RetentionTests {
    @Test("globs: *, ?, sets, negated sets; whole-name matches only")
    func globs() throws {
        let v = try #require(TagGlob("v*"))
        #expect(v.matches("v1.2.3") && v.matches("v") && !v.matches("1.0") && !v.matches("av1"))
        let rc = try #require(TagGlob("*-rc?"))
        #expect(rc.matches("1.0-rc1") && !rc.matches("1.0-rc10") && !rc.matches("1.0"))
        let digits = try #require(TagGlob("[0-9]*"))
        #expect(digits.matches("1.31") && !digits.matches("v1.31"))
        let notV = try #require(TagGlob("[!v]*"))
        #expect(notV.matches("1.0") && !notV.matches("v1"))
        let star = try #require(TagGlob("*"))
        #expect(star.matches("") && star.matches("anything"))
        let middle = try #require(TagGlob("a*b*c"))
        #expect(middle.matches("abc") && middle.matches("aXbYbZc") && !middle.matches("aXbY"))
        #expect(TagGlob("[abc") == nil && TagGlob("[]") == nil && TagGlob("[z-a]") == nil)
    }

    @Test("durations: d, h, m, s and combinations; anything else refused")
    func durations() {
        #expect(DurationText.seconds("24h") == 86_400)
        #expect(DurationText.seconds("1h30m") == 5_400)
        #expect(DurationText.seconds("7d") == 604_800)
        #expect(DurationText.seconds("90s") == 90)
        for bad in ["", "24", "h", "1x", "-1h", "1.5h", "0h", "1h 30m", "9999999999h"] {
            #expect(DurationText.seconds(bad) == nil, "\(bad)")
        }
    }

    @Test("RFC 3339 times read as Foundation reads them, fractions and offsets included")
    func rfc3339() throws {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        for text in [
            "1970-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "1999-12-31T23:59:59+02:00", "2031-07-04T01:02:03-05:30",
        ] {
            let expected = try #require(formatter.date(from: text)).timeIntervalSince1970
            #expect(UTCTime.seconds(rfc3339: text) == expected, "\(text)")
        }
        #expect(UTCTime.seconds(rfc3339: "2024-05-06T07:08:09.25Z") == 1_714_979_289.25)
        for bad in ["", "2024-05-06", "2024-13-01T00:00:00Z", "2024-05-06T07:08:09", "2024-05-06T07:08:09Zjunk"] {
            #expect(UTCTime.seconds(rfc3339: bad) == nil, "\(bad)")
        }
    }

    static func policy(_ keep: Int, _ patterns: String = "*") -> RetentionPolicy {
        RetentionPolicy(
            keepTags: keep,
            patterns: patterns.split(separator: " ").compactMap { TagGlob(String($0)) },
            intervalSeconds: 3600
        )
    }

    static func tag(
        _ tag: String,
        _ digest: String,
        _ time: Double?,
        repository: String = "app",
        children: [String] = []
    )
        -> RetentionPlan.Tagged
    {
        RetentionPlan.Tagged(repository: repository, tag: tag, digest: digest, time: time, children: children)
    }

    @Test("keeps the newest N of the tags the pattern allows; others, and latest, always stay")
    func keepsNewest() {
        let tags = [
            Self.tag("v1", "sha256:1", 100), Self.tag("v2", "sha256:2", 200), Self.tag("v3", "sha256:3", 300),
            Self.tag("v4", "sha256:4", 400), Self.tag("stable", "sha256:5", 50), Self.tag("latest", "sha256:6", 10),
            Self.tag("v9", "sha256:9", 900, repository: "other"),
        ]
        let plan = RetentionPlan(tags, policy: Self.policy(2, "v*"))
        #expect(plan.deleted.map(\.reference) == ["app:v2", "app:v1"])
        #expect(Set(plan.kept.map(\.reference)) == ["app:v3", "app:v4", "app:stable", "app:latest", "other:v9"])
        #expect(plan.deletions.map(\.digest) == ["sha256:2", "sha256:1"])
    }

    @Test("a tag whose manifest a kept tag names stays; an unknown time counts as newest")
    func sharedAndUnknown() {
        let tags = [
            Self.tag("v1", "sha256:a", 100), Self.tag("v1-alias", "sha256:b", 150), Self.tag("v2", "sha256:b", 200),
            Self.tag("v3", "sha256:c", nil), Self.tag("v0", "sha256:d", 10),
        ]
        // Keep 2: v3 (unknown: newest) and v2; v1-alias shares v2's manifest, so it stays too.
        let plan = RetentionPlan(tags, policy: Self.policy(2))
        #expect(Set(plan.kept.map(\.tag)) == ["v3", "v2", "v1-alias"])
        #expect(plan.deleted.map(\.tag) == ["v1", "v0"])
        #expect(plan.deletions.map(\.digest) == ["sha256:a", "sha256:d"])
    }

    @Test("an index deleted takes the manifests it lists, except those a kept index lists too")
    func indexChildren() {
        let tags = [
            Self.tag("old", "sha256:i1", 100, children: ["sha256:amd", "sha256:arm"]),
            Self.tag("new", "sha256:i2", 200, children: ["sha256:amd", "sha256:arm2"]),
        ]
        let plan = RetentionPlan(tags, policy: Self.policy(1))
        #expect(plan.deletions.map(\.digest) == ["sha256:i1", "sha256:arm"])
        #expect(RetentionPlan(tags, policy: Self.policy(5)).deletions.isEmpty)
    }

    @Test("config: keep-tags needs storage-delete; bad interval, pattern and negative counts block naming the option")
    func config() {
        func problems(_ options: [String: JSONValue]) -> [String: String] {
            Dictionary(CharmConfig(options: options).problems.map { ($0.option, $0.message) }) { first, _ in first }
        }
        #expect(CharmConfig(options: [:]).retention == nil)
        #expect(problems(["retention-keep-tags": 3])["retention-keep-tags"]?.contains("storage-delete=true") == true)
        let on = CharmConfig(options: ["retention-keep-tags": 3, "storage-delete": true, "retention-interval": "12h"])
        #expect(on.problems.isEmpty)
        #expect(on.retention?.keepTags == 3 && on.retention?.intervalSeconds == 43_200)
        #expect(on.retention?.mayDelete("latest") == false && on.retention?.mayDelete("v1") == true)
        #expect(problems(["retention-keep-tags": -1])["retention-keep-tags"]?.contains("0 (off) or more") == true)
        #expect(problems(["retention-interval": "daily"])["retention-interval"]?.contains("not a duration") == true)
        #expect(
            problems(["retention-interval": "30s"])["retention-interval"]?.contains("shorter than a minute") == true
        )
        #expect(problems(["retention-tag-pattern": "v[1"])["retention-tag-pattern"]?.contains("not a glob") == true)
        #expect(problems(["retention-tag-pattern": " "])["retention-tag-pattern"]?.contains("is empty") == true)
    }
}
