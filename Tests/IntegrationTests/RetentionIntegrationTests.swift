import Foundation
import Testing

/// Tag retention against the real registry: `prune` (dry and real) and update-status's schedule.
@Suite("Tag retention on a real registry", .serialized, .enabled(if: CharmUnderTest.enabled))
struct RetentionIntegrationTests {
    static let origin = "http://127.0.0.1:5000"
    static let netloc = "127.0.0.1:5000"

    /// The tags of `repository`, sorted.
    func tags(_ repository: String) throws -> [String] {
        let body = try #require(try curl("\(Self.origin)/v2/\(repository)/tags/list")).body
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return (object?["tags"] as? [String] ?? []).sorted()
    }

    @Test(
        "keeps the newest N of the tags the pattern allows and every other tag; dry run changes nothing; storage shrinks"
    )
    func retention() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["storage-delete": "true"])
        // Tags only this test uses, so that what other tests left in the store is never a candidate.
        let run = UUID().uuidString.prefix(6).lowercased()
        let repository = "retain-\(run)"
        for number in 1...4 {
            let local = "localhost/retain:\(run)-\(number)"
            try importRandomImage(local, megabytes: 2)
            defer { _ = try? shell("docker", ["rmi", local]) }
            let pushed = try charm.action(
                "push",
                ["image": local, "pull": "false", "tag": "\(Self.netloc)/\(repository):r\(run)-\(number)"]
            )
            #expect(pushed.status == "completed", "\(pushed.raw)")
        }
        for tag in ["stable", "latest"] {
            let pushed = try charm.action(
                "push",
                ["image": CharmUnderTest.busyboxImage, "pull": "false", "tag": "\(Self.netloc)/\(repository):\(tag)"]
            )
            #expect(pushed.status == "completed", "\(pushed.raw)")
        }
        let everyTag = try tags(repository)
        #expect(everyTag.count == 6)

        let off = try charm.action("prune")
        #expect(off.status == "failed")
        #expect(
            off.message == "Retention is off: set retention-keep-tags to the number of tags to keep per repository."
        )

        try charm.configure(["retention-keep-tags": "2", "retention-tag-pattern": "r\(run)-*"])
        let before = try diskUsage("/srv/registry")
        let dry = try charm.action("prune", ["dry-run": "true"])
        #expect(dry.status == "completed", "\(dry.raw)")
        #expect(dry.result("deleted") == "2")
        #expect(dry.result("output") == "\(repository):r\(run)-2\n\(repository):r\(run)-1")
        let estimate = Int(dry.result("bytes-freed") ?? "") ?? 0
        #expect(estimate > 4_000_000 && estimate < 4_400_000, "estimate \(estimate)")
        #expect(try tags(repository) == everyTag, "a dry run deletes nothing")
        #expect(try diskUsage("/srv/registry") == before)

        let pruned = try charm.action("prune")
        #expect(pruned.status == "completed", "\(pruned.raw)")
        #expect(pruned.result("deleted") == "2")
        #expect(try tags(repository) == ["latest", "r\(run)-3", "r\(run)-4", "stable"])
        let freed = before - (try diskUsage("/srv/registry"))
        #expect(freed > 4_000_000, "freed \(freed)")
        // The action measures around its collection, after the API deletions (which free a few KB of links), and
        // the collection frees whatever else no manifest names (other tests' deleted images too).
        let reported = Int(pruned.result("bytes-freed") ?? "") ?? 0
        #expect(abs(reported - freed) < 100_000, "reported \(reported), measured \(freed)")
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        let pulled = try shell(
            "skopeo",
            ["inspect", "--tls-verify=false", "docker://\(Self.netloc)/\(repository):r\(run)-4"]
        )
        #expect(pulled.succeeded, "\(pulled.stderr)")

        // update-status applies it once due: a new interval makes it due at once.
        try charm.configure(["retention-keep-tags": "1", "retention-interval": "2h"])
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try tags(repository) == ["latest", "r\(run)-4", "stable"])
        #expect(try charm.logText().contains("retention: deleted 1 tags"))
        // Not due again: the next update-status is idle.
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try charm.lastHookToolCalls() == ["state-get"])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
    }
}
