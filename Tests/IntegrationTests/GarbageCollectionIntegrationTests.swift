import Foundation
import Testing

/// Pulls one image over and over in the background (its manifest, then every blob it names, as a client pulls) and
/// tries to start an upload now and then; counts pulls that failed and the answers the uploads got.
///
/// A bash loop of curl in its own process: threads of the test process that wait for children are held up while the
/// main thread waits for charm-sim.
final class PullPoller {
    private let origin: String
    private let repository: String
    private let tag: String
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poller-\(UUID().uuidString)")
    private var process: Process?
    /// The longest successful pull, in milliseconds (known after ``stop()``).
    private(set) var slowest = 0

    static let accept = [
        "-H", "Accept: application/vnd.docker.distribution.manifest.v2+json",
        "-H", "Accept: application/vnd.oci.image.manifest.v1+json",
    ]

    init(origin: String, repository: String, tag: String) {
        self.origin = origin
        self.repository = repository
        self.tag = tag
    }

    /// The digests of the config and layers of the image, read once.
    private func blobs() throws -> [String] {
        let answer = try #require(try curl("\(origin)/v2/\(repository)/manifests/\(tag)", extra: Self.accept))
        let object = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        let config = (object?["config"] as? [String: Any])?["digest"] as? String
        let layers = (object?["layers"] as? [[String: Any]] ?? []).compactMap { $0["digest"] as? String }
        return [config].compactMap { $0 } + layers
    }

    func start() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let blobs = try blobs()
        let manifest = "\(origin)/v2/\(repository)/manifests/\(tag)"
        let blobURLs = blobs.map { "\(origin)/v2/\(repository)/blobs/\($0)" }.joined(separator: " ")
        let script = """
            cd "$1"; round=0
            code() {
              out=$(curl -s -o /dev/null -w '%{http_code} %{local_port} %{time_connect} %{time_starttransfer} %{time_total}' \
                --max-time 120 "$@"); rc=$?
              [ "${out%% *}" = 200 ] || [ "${out%% *}" = 202 ] || [ "${out%% *}" = 405 ] || echo "$(date +%T.%N) rc=$rc $out $*" >> detail
              echo "${out%% *}"
            }
            while [ ! -e stop ]; do
              round=$((round+1)); result=ok; started=$(( $(date +%s%N) / 1000000 ))
              c=$(code -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                -H 'Accept: application/vnd.oci.image.manifest.v1+json' '\(manifest)')
              [ "$c" = 200 ] || result="manifest:$c"
              if [ $result = ok ]; then for b in \(blobURLs); do
                c=$(code "$b"); [ "$c" = 200 ] || { result="blob:$c"; break; }
              done; fi
              took=$(( $(date +%s%N) / 1000000 - started ))
              [ $result = ok ] && echo "ok $took" >> pulls || echo "$result@$(date +%T.%N)" >> pulls
              if [ $((round % 4)) = 0 ]; then
                code -X POST '\(origin)/v2/gc-probe/blobs/uploads/' >> uploads; echo >> uploads
              fi
              sleep 0.02
            done
            touch stopped
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "poller", directory.path]
        try process.run()
        self.process = process
    }

    /// Polls for a second before `body` and a second after it; returns what `body` returned and what was polled.
    func around<Result>(_ body: () throws -> Result) throws -> (
        result: Result, polled: (pulls: Int, failed: [String], uploads: [Int])
    ) {
        try start()
        Thread.sleep(forTimeInterval: 1)
        let result = try body()
        Thread.sleep(forTimeInterval: 1)
        return (result, stop())
    }

    /// Stops; returns the pulls made, the failed ones (each with what failed) and every upload's status (0: no
    /// answer).
    func stop() -> (pulls: Int, failed: [String], uploads: [Int]) {
        FileManager.default.createFile(atPath: directory.appendingPathComponent("stop").path, contents: nil)
        process?.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: directory) }
        func lines(_ name: String) -> [String] {
            ((try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "")
                .split(separator: "\n").map(String.init)
        }
        let pulls = lines("pulls")
        let times = pulls.compactMap { $0.hasPrefix("ok ") ? Int($0.dropFirst(3)) : nil }
        slowest = times.max() ?? 0
        return (
            pulls.count, pulls.filter { !$0.hasPrefix("ok") } + lines("detail"), lines("uploads").map { Int($0) ?? 0 }
        )
    }
}

/// `garbage-collect` against the real registry: the registry serves read-only while the collector runs, so pulls
/// never fail and pushes get the registry's own refusal; it is writable again afterwards, also after a killed hook.
@Suite("Garbage collection that never stops pulls", .serialized, .enabled(if: CharmUnderTest.enabled))
struct GarbageCollectionIntegrationTests {
    static let origin = "http://127.0.0.1:5000"

    /// Deploys with deletion on, pushes a 4 MB random image and busybox, deletes the random one; returns its tag.
    func prepare(_ charm: CharmUnderTest) throws -> String {
        try charm.deploy(["storage-delete": "true"])
        let random = "localhost/random:\(UUID().uuidString.prefix(8).lowercased())"
        try importRandomImage(random, megabytes: 4)
        defer { _ = try? shell("docker", ["rmi", random]) }
        let tag = String(random.split(separator: ":").last ?? "")
        #expect(try charm.action("push", ["image": random, "pull": "false"]).status == "completed")
        #expect(
            try charm.action("push", ["image": CharmUnderTest.busyboxImage, "pull": "false"]).status == "completed"
        )
        #expect(try charm.action("delete", ["image": "random:\(tag)"]).status == "completed")
        return tag
    }

    /// The iptables rules the charm left (there must be none once a window closed).
    func charmRules() -> [String] {
        ["iptables", "ip6tables"].flatMap { tool in
            ((try? shell(tool, ["-t", "nat", "-S"]))?.stdout ?? "").split(separator: "\n").map(String.init)
                .filter { $0.contains("docker-registry-charm") }
        }
    }

    @Test("pulls go on through the collection (0 failed), a push is refused read-only then accepted; bytes freed")
    func pullsNeverStop() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        _ = try prepare(charm)
        let before = try diskUsage("/srv/registry")
        let (collected, polled) = try PullPoller(origin: Self.origin, repository: "busybox", tag: "test").around {
            try charm.action("garbage-collect")
        }

        #expect(collected.status == "completed", "\(collected.raw)")
        #expect(polled.pulls > 20, "only \(polled.pulls) pulls")
        #expect(
            polled.failed.isEmpty,
            "\(polled.failed.count) of \(polled.pulls) pulls failed: \(polled.failed.prefix(5))"
        )
        // Writable before and after (202), refused by the read-only registry itself in between (405), never
        // unanswered.
        #expect(!polled.uploads.contains(0), "uploads without an answer: \(polled.uploads)")
        #expect(polled.uploads.contains(405), "no upload met the read-only registry: \(polled.uploads)")
        #expect(polled.uploads.first == 202 && polled.uploads.last == 202, "\(polled.uploads)")
        #expect(Set(polled.uploads).isSubset(of: [202, 405]), "\(polled.uploads)")
        let freed = before - (try diskUsage("/srv/registry"))
        #expect(freed > 3_500_000, "freed \(freed) bytes")
        // The action measures just around the collection; the poller's upload sessions (a few KB each) add to the
        // store between the test's measure and the action's.
        let reported = try #require(Int(collected.result("bytes-freed") ?? ""), "\(collected.raw)")
        #expect(reported > 3_500_000 && abs(reported - freed) < 512_000, "reported \(reported), measured \(freed)")
        #expect(Double(collected.result("read-only-seconds") ?? "") ?? 0 > 0)
        #expect(charmRules().isEmpty, "rules left: \(charmRules())")
        #expect(try charm.containerID("registry.charm-read-only") == nil)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        #expect(try curl("\(Self.origin)/v2/gc-probe/blobs/uploads/", method: "POST")?.status == 202)
    }

    @Test(
        "three pull loops through four collections: 0 fail (a client reusing a source port is never sent where nothing listens)"
    )
    func pullLoopsThroughCollections() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        _ = try prepare(charm)
        var failed: [String] = []
        var pulls = 0
        // Without forgetting the kernel's tracked connections, about one collection in six refused a pull here.
        for _ in 1...4 {
            let pollers = (0..<3).map { _ in PullPoller(origin: Self.origin, repository: "busybox", tag: "test") }
            for poller in pollers { try poller.start() }
            Thread.sleep(forTimeInterval: 0.5)
            let collected = try charm.action("garbage-collect")
            Thread.sleep(forTimeInterval: 0.5)
            let polled = pollers.map { $0.stop() }
            #expect(collected.status == "completed", "\(collected.raw)")
            #expect(!collected.log.contains { $0.contains("could not forget") }, "\(collected.log)")
            pulls += polled.map(\.pulls).reduce(0, +)
            failed += polled.flatMap(\.failed)
        }
        #expect(pulls > 200, "only \(pulls) pulls")
        #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(4))")
        #expect(charmRules().isEmpty)
        print("GC pull loops: \(pulls) pulls through 4 collections, \(failed.count) failed")
    }

    @Test("a collection that fails leaves the registry writable; so does a hook killed while read-only")
    func writableAfterFailureAndKill() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        _ = try prepare(charm)

        // The collector cannot run: a container already holds its name.
        let container = try #require(try charm.containerID())
        #expect(
            try shell("docker", ["create", "--name", "registry.charm-collector", CharmUnderTest.busyboxImage]).succeeded
        )
        let failed = try charm.action("garbage-collect")
        _ = try shell("docker", ["rm", "-f", "registry.charm-collector"])
        #expect(failed.status == "failed", "\(failed.raw)")
        #expect(try charm.containerID() == container, "the registry container is the same one")
        #expect(try curl("\(Self.origin)/v2/gc-probe/blobs/uploads/", method: "POST")?.status == 202)
        #expect(charmRules().isEmpty)

        // A hook killed while the registry is read-only (the twin serves, the redirect stands).
        let killed = try charm.killHook(["run", "garbage-collect"]) { !charmRules().isEmpty }
        try #require(killed, "the hook finished before the registry was read-only")
        // Read-only now: pulls are served, uploads refused.
        #expect(
            try eventually(5) { try curl("\(Self.origin)/v2/gc-probe/blobs/uploads/", method: "POST")?.status == 405 }
        )
        #expect(try curl("\(Self.origin)/v2/busybox/manifests/test", extra: PullPoller.accept)?.status == 200)

        // The next hook closes the window.
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try curl("\(Self.origin)/v2/gc-probe/blobs/uploads/", method: "POST")?.status == 202)
        #expect(charmRules().isEmpty, "rules left: \(charmRules())")
        #expect(try charm.containerID("registry.charm-read-only") == nil)
        #expect(!FileManager.default.fileExists(atPath: "/etc/docker/registry/read-only-window.json"))
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        // A collection works again, and frees what the interrupted ones left (the store is shared with later tests).
        let collected = try charm.action("garbage-collect")
        #expect(collected.status == "completed", "\(collected.raw)")
        #expect(Int(collected.result("bytes-freed") ?? "") ?? 0 > 3_500_000, "\(collected.raw)")
    }
}
