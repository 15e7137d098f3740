import Foundation
import Testing

/// Several units, each on its own host (a network and mount namespace with its own address and dockerd, see
/// `scripts/multi-host.sh`), sharing one Ceph S3 bucket, behind one real haproxy built from the leader's stanza.
@Suite("Scale-out: units on their own hosts behind one haproxy", .serialized, .enabled(if: ScaleOutHosts.enabled))
struct ScaleOutIntegrationTests {
    static let repository = "scale/app"
    static let layerBytes = 32 * 1024 * 1024

    /// Every unit's workload status and whether it leads, from `charm-sim status`.
    static func units(_ charm: CharmUnderTest) throws -> [String: (status: String, message: String, leader: Bool)] {
        let output = try charm.sim(["status", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let units = (json?["application"] as? [String: Any])?["units"] as? [String: [String: Any]] ?? [:]
        return units.mapValues { unit in
            let workload = unit["workload-status"] as? [String: Any]
            return (
                workload?["current"] as? String ?? "", workload?["message"] as? String ?? "",
                unit["leader"] as? Bool ?? false
            )
        }
    }

    /// The `servers` of a `services` stanza as `name address options`.
    static func servers(_ services: String) throws -> [String] {
        let stanza = try HAProxyHarness.configuration(services: services, listenPort: 1)
        return stanza.split(separator: "\n").filter { $0.hasPrefix("    server ") }.map {
            $0.dropFirst("    server ".count).replacingOccurrences(
                of: " check inter 2000 rise 2 fall 5 maxconn 4096",
                with: ""
            )
        }
    }

    /// The status of a GET of the test image's manifest straight from unit `n`'s registry.
    static func manifest(_ hosts: ScaleOutHosts, unit n: Int) throws -> Int? {
        let accept = ["-H", "Accept: application/vnd.docker.distribution.manifest.v2+json"]
        return try curl("http://\(hosts.address("u\(n)")):5000/v2/\(repository)/manifests/1", extra: accept)?.status
    }

    /// Gives charm-sim's machines 0…`count`-1 the hosts u0, u1…: their addresses, dockerds and namespaces.
    static func placeMachines(_ hosts: ScaleOutHosts, _ charm: CharmUnderTest, count: Int) throws {
        for n in 0..<count {
            let file = charm.root.appendingPathComponent("machine-\(n).yaml")
            try hosts.machineSettings(unit: n).write(to: file, atomically: true, encoding: .utf8)
            try TestImages.check(charm.sim(["set-machine", String(n), file.path]), "set-machine \(n)")
        }
    }

    /// Makes `tag` on the client host: busybox plus one layer of `bytes` random bytes.
    static func makeImage(_ hosts: ScaleOutHosts, _ tag: String, bytes: Int) throws {
        let directory = try TestImages.randomFile(named: "random", bytes: bytes)
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "scale-build-\(UUID().uuidString.prefix(8).lowercased())"
        try TestImages.check(
            hosts.docker("client", ["create", "--name", name, CharmUnderTest.busyboxImage, "true"]),
            "create"
        )
        defer { _ = try? hosts.docker("client", ["rm", "-f", name]) }
        let file = directory.appendingPathComponent("random").path
        try TestImages.check(hosts.docker("client", ["cp", file, "\(name):/random"]), "docker cp")
        try TestImages.check(hosts.docker("client", ["commit", name, tag]), "docker commit")
    }

    /// Pushes `tag` from the client host, removes it there and pulls it back; returns the seconds each took.
    static func pushAndPull(_ hosts: ScaleOutHosts, _ tag: String) throws -> (push: Double, pull: Double) {
        var started = Date()
        let push = try hosts.docker("client", ["push", tag])
        let pushed = Date().timeIntervalSince(started)
        #expect(push.succeeded, "push \(tag): \(push.stderr)")
        try TestImages.check(hosts.docker("client", ["rmi", tag]), "rmi \(tag)")
        started = Date()
        let pull = try hosts.docker("client", ["pull", tag])
        let pulled = Date().timeIntervalSince(started)
        #expect(pull.succeeded, "pull \(tag): \(pull.stderr)")
        return (pushed, pulled)
    }

    /// Starts a blob upload on one unit, continues it on a second and finishes it on a third; returns the digest.
    static func uploadAcrossUnits(_ hosts: ScaleOutHosts, root: URL) throws -> (digest: String, status: Int?) {
        let first = try TestImages.randomFile(named: "part", bytes: 6 * 1024 * 1024)
        let second = try TestImages.randomFile(named: "part", bytes: 1024 * 1024)
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        let parts = [first.appendingPathComponent("part"), second.appendingPathComponent("part")]
        var whole = Data()
        for part in parts { whole.append(try Data(contentsOf: part)) }
        let blob = root.appendingPathComponent("whole")
        try whole.write(to: blob)
        let sum = try shell("sha256sum", [blob.path]).stdout.prefix(64)
        let digest = "sha256:\(sum)"
        func base(_ n: Int) -> String { "http://\(hosts.address("u\(n)")):5000" }
        func path(_ location: String?) throws -> String {
            let location = try #require(location, "a Location header")
            guard location.hasPrefix("http"), let url = URL(string: location) else { return location }
            return url.path + (url.query.map { "?" + $0 } ?? "")
        }
        let started = try #require(try curl(base(0) + "/v2/\(repository)/blobs/uploads/", method: "POST"))
        #expect(started.status == 202, "the upload starts on docker-registry/0")
        let binary = ["-H", "Content-Type: application/octet-stream", "--data-binary"]
        let patched = try #require(
            try curl(
                base(1) + (try path(started.headers["location"])),
                method: "PATCH",
                extra: binary + ["@" + parts[0].path]
            )
        )
        #expect(patched.status == 202, "docker-registry/1 continues it: \(patched.body)")
        let location = try path(patched.headers["location"])
        let finished = try curl(
            base(2) + location + (location.contains("?") ? "&" : "?") + "digest=\(digest)",
            method: "PUT",
            extra: binary + ["@" + parts[1].path]
        )
        return (digest, finished?.status)
    }

    @Test(
        "three hosts, one secret, one Ceph store: uploads cross units, haproxy fails over, a unit joins, a new leader publishes"
    )
    func scaleOut() throws {
        let hosts = try ScaleOutHosts.up()
        defer { hosts.down() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try Self.placeMachines(hosts, charm, count: 4)
        let deploy = try charm.sim(
            ["deploy", charm.charmDirectory.path, "--juju-version", CharmUnderTest.jujuVersion, "--unit-count", "3"]
                + (hosts.storageConfig.merging(["registry-image": CharmUnderTest.registryImage]) { $1 })
                .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        )
        try TestImages.check(deploy, "deploy")

        // Each unit runs its own registry on its own host, at its own address.
        var units = try Self.units(charm)
        for n in 0..<3 {
            #expect(units["docker-registry/\(n)"]?.message == "Ready at \(hosts.address("u\(n)")):5000 (http).")
            #expect(try hosts.docker("u\(n)", ["container", "inspect", "registry"]).succeeded)
            #expect(try curl("http://\(hosts.address("u\(n)")):5000/v2/")?.status == 200)
        }
        #expect(units["docker-registry/0"]?.leader == true)

        // One http secret on every unit, so an upload started on one unit finishes on another.
        let secrets = try (0..<3).map { try hosts.httpSecret(unit: $0) }
        #expect(secrets[0] != nil && secrets[0]?.isEmpty == false)
        #expect(Set(secrets).count == 1, "every unit renders the leader's http secret")
        let upload = try Self.uploadAcrossUnits(hosts, root: charm.root)
        #expect(upload.status == 201, "docker-registry/2 finishes the upload")
        let fetched = try curl("http://\(hosts.address("u0")):5000/v2/\(Self.repository)/blobs/\(upload.digest)")
        #expect(fetched?.status == 200, "docker-registry/0 serves the blob finished elsewhere")

        // The leader's stanza: every unit, the first primary and the others backups; one real haproxy from it.
        let website = try charm.relate("website", "haproxy", unitData: ["ingress-address": hosts.bridge])
        let services = try #require(try charm.relationData(website)["services"])
        #expect(
            try Self.servers(services) == [
                "docker-registry-0 \(hosts.address("u0")):5000", "docker-registry-1 \(hosts.address("u1")):5000 backup",
                "docker-registry-2 \(hosts.address("u2")):5000 backup",
            ]
        )
        #expect(try charm.relationData(website, member: "docker-registry/1")["services"] == nil)
        var proxy = try ScaleOutProxy(services: services, address: hosts.bridge, port: 5000)
        defer { proxy.stop() }
        let front = "\(hosts.bridge):5000"
        #expect(try eventually { try curl("http://\(front)/v2/")?.status == 200 })
        units = try Self.units(charm)
        #expect(units["docker-registry/1"]?.message == "Ready at \(front) (http, proxied).")

        // Push and pull through haproxy, and straight to one unit, from the client host (figures).
        let viaProxy = "\(front)/\(Self.repository):1"
        let direct = "\(hosts.address("u0")):5000/scale/direct:1"
        try Self.makeImage(hosts, viaProxy, bytes: Self.layerBytes)
        try Self.makeImage(hosts, direct, bytes: Self.layerBytes)
        let proxied = try Self.pushAndPull(hosts, viaProxy)
        let straight = try Self.pushAndPull(hosts, direct)

        // The layers are in Ceph.
        let stored = try hosts.storedKeys("docker/registry/v2/repositories/\(Self.repository)/")
        #expect(stored.contains { $0.contains("/_manifests/tags/1/") }, "the tag is stored in Ceph")
        #expect(try hosts.storedKeys("docker/registry/v2/blobs/").count >= 4, "the layers are stored in Ceph")

        // The primary's registry stops: haproxy fails over to a backup, pulls keep working from the shared store.
        let poller = HTTPPoller(host: hosts.bridge, port: 5000, path: "/v2/\(Self.repository)/manifests/1")
        Thread.sleep(forTimeInterval: 0.5)
        try TestImages.check(hosts.docker("u0", ["stop", "registry"]), "stopping docker-registry/0's registry")
        #expect(try eventually(60) { FailoverTrace(poller.recorded) != nil }, "haproxy serves again from a backup")
        Thread.sleep(forTimeInterval: 0.5)
        let failover = FailoverTrace(poller.stop())
        #expect(failover != nil)
        try TestImages.check(hosts.docker("client", ["rmi", viaProxy]), "rmi")
        #expect(try hosts.docker("client", ["pull", viaProxy]).succeeded, "pull through haproxy from a backup")
        #expect(try eventually { try proxy.serverStates()["docker-registry-0"] == 0 })

        // A registry re-created on another unit serves the same images from Ceph.
        try TestImages.check(hosts.docker("u1", ["rm", "-f", "registry"]), "removing docker-registry/1's registry")
        try TestImages.check(charm.sim(["hook", "update-status", "--unit", "docker-registry/1"]), "update-status")
        #expect(try hosts.docker("u1", ["container", "inspect", "registry"]).succeeded, "re-created")
        #expect(
            try eventually {
                try Self.manifest(hosts, unit: 1) == 200
            }
        )
        // The stopped primary comes back on its next update-status.
        try TestImages.check(charm.sim(["hook", "update-status", "--unit", "docker-registry/0"]), "update-status")
        #expect(try eventually { try curl("http://\(hosts.address("u0")):5000/v2/")?.status == 200 })

        // A new unit on a fourth host joins the server list, with the same secret, serving the same data.
        try TestImages.check(charm.sim(["add-unit"]), "add-unit")
        let joined = try #require(try charm.relationData(website)["services"])
        #expect(try Self.servers(joined).last == "docker-registry-3 \(hosts.address("u3")):5000 backup")
        #expect(try hosts.httpSecret(unit: 3) == secrets[0])
        proxy.stop()
        proxy = try ScaleOutProxy(services: joined, address: hosts.bridge, port: 5000)
        #expect(try eventually(30) { try proxy.serverStates()["docker-registry-3"] == 2 }, "haproxy checks it up")
        #expect(try Self.manifest(hosts, unit: 3) == 200)

        // The leader leaves: the next unit is elected and publishes the stanza without it.
        try TestImages.check(charm.sim(["remove-unit", "docker-registry/0"]), "remove-unit")
        units = try Self.units(charm)
        #expect(units["docker-registry/1"]?.leader == true)
        let republished = try #require(try charm.relationData(website, member: "docker-registry/1")["services"])
        #expect(
            try Self.servers(republished) == [
                "docker-registry-1 \(hosts.address("u1")):5000", "docker-registry-2 \(hosts.address("u2")):5000 backup",
                "docker-registry-3 \(hosts.address("u3")):5000 backup",
            ]
        )
        proxy.stop()
        proxy = try ScaleOutProxy(services: republished, address: hosts.bridge, port: 5000)
        #expect(try eventually { try curl("http://\(front)/v2/")?.status == 200 })
        let after = "\(front)/\(Self.repository):after-leader"
        try Self.makeImage(hosts, after, bytes: 1024 * 1024)
        _ = try Self.pushAndPull(hosts, after)

        try Self.report(failover: failover, proxied: proxied, direct: straight)
    }

    @Test(
        "two units on one Ceph store: garbage-collect on the leader, the other unit read-only meanwhile, 0 pulls fail"
    )
    func sharedCollection() throws {
        let hosts = try ScaleOutHosts.up()
        defer { hosts.down() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try Self.placeMachines(hosts, charm, count: 2)
        let options = hosts.storageConfig.merging([
            "registry-image": CharmUnderTest.registryImage, "storage-delete": "true",
        ]) {
            $1
        }
        let deploy = try charm.sim(
            ["deploy", charm.charmDirectory.path, "--juju-version", CharmUnderTest.jujuVersion, "--unit-count", "2"]
                + options.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        )
        try TestImages.check(deploy, "deploy")
        // Two images pushed to the follower; one deleted, so the collection has 2 MiB to free.
        let follower = "\(hosts.address("u1")):5000"
        for tag in ["gone", "kept"] {
            let reference = "\(follower)/scale/gc:\(tag)"
            try Self.makeImage(hosts, reference, bytes: 2 * 1024 * 1024)
            try TestImages.check(hosts.docker("client", ["push", reference]), "push \(tag)")
        }
        let deleted = try charm.action("delete", ["image": "scale/gc:gone"])
        #expect(deleted.status == "completed", "\(deleted.raw)")
        let blobsBefore = try hosts.storedKeys("docker/registry/v2/blobs/").count

        let poller = PullPoller(origin: "http://\(follower)", repository: "scale/gc", tag: "kept")
        let (follows, polled) = try poller.around { try charm.action("garbage-collect", ["untagged": "false"]) }

        #expect(follows.status == "completed", "\(follows.raw)")
        #expect(follows.result("scheduled") == "true")
        let steps = try charm.logText().split(separator: "\n").filter {
            $0.contains("read-only") || $0.contains("writable") || $0.contains("Starting") || $0.contains("garbage")
        }
        #expect(
            polled.failed.isEmpty,
            "\(polled.failed.count) of \(polled.pulls) pulls from the follower failed: \(polled.failed) \(steps)"
        )
        print("shared collection: \(polled.pulls) pulls from the follower, slowest \(poller.slowest) ms")
        #expect(polled.pulls > 20)
        #expect(polled.uploads.contains(405), "the follower refused an upload while read-only: \(polled.uploads)")
        #expect(polled.uploads.last == 202 && !polled.uploads.contains(0), "\(polled.uploads)")
        let blobsAfter = try hosts.storedKeys("docker/registry/v2/blobs/").count
        #expect(blobsAfter < blobsBefore, "blobs before \(blobsBefore), after \(blobsAfter)")
        let log = try charm.logText()
        #expect(log.contains("garbage collection with 2 units read-only freed"), "\(log.suffix(2000))")
        let units = try Self.units(charm)
        for n in 0..<2 {
            #expect(units["docker-registry/\(n)"]?.status == "active", "\(units)")
            #expect(!(try hosts.docker("u\(n)", ["container", "inspect", "registry.charm-read-only"]).succeeded))
        }
        let pulled = try curl("http://\(follower)/v2/scale/gc/manifests/kept", extra: PullPoller.accept)
        #expect(pulled?.status == 200)
    }

    /// Prints the figures and, when `CHARM_SCALE_RESULTS` names a file, writes them there as JSON.
    static func report(
        failover: FailoverTrace?,
        proxied: (push: Double, pull: Double),
        direct: (push: Double, pull: Double)
    )
        throws
    {
        let mebibytes = Double(layerBytes) / 1_048_576
        func rate(_ seconds: Double) -> Double { (mebibytes / seconds * 10).rounded() / 10 }
        let figures: [String: Any] = [
            "layer_mib": mebibytes,
            "failover_ms": ((failover?.failover ?? -1) * 1000).rounded(),
            "failover_failed_requests": failover?.failedRequests ?? -1,
            "push_mib_s_haproxy": rate(proxied.push), "pull_mib_s_haproxy": rate(proxied.pull),
            "push_mib_s_direct": rate(direct.push), "pull_mib_s_direct": rate(direct.pull),
        ]
        let json = try JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys, .prettyPrinted])
        print("scale-out figures: \(String(decoding: json, as: UTF8.self))")
        if let path = ProcessInfo.processInfo.environment["CHARM_SCALE_RESULTS"] {
            try json.write(to: URL(fileURLWithPath: path))
        }
    }
}
