import Foundation
import Testing

/// The reliability suite (issue 16) beyond bad config.
///
/// Areas: faults, idempotency, secrets, data, pushes during re-creation. Each area uses one deployment and prints
/// `<area>: N cases tried, N passed`.
///
/// The data area pushes its images in the first test and pulls them back in the last one, so every area in between
/// runs over stored data.
@Suite("Reliability suite", .serialized, .enabled(if: CharmUnderTest.enabled))
struct ReliabilitySuiteTests {
    static let ready = "Ready at 127.0.0.1:5000 (http)."
    static let base = "http://127.0.0.1:5000"

    /// What the first test pushed: tag → (image id, manifest digest).
    final class Pushed: @unchecked Sendable {
        private let lock = NSLock()
        private var images: [String: (id: String, digest: String)] = [:]
        var all: [String: (id: String, digest: String)] { lock.withLock { images } }
        func record(_ tag: String, id: String, digest: String) { lock.withLock { images[tag] = (id, digest) } }
    }
    static let pushed = Pushed()
    static let dataTags = (1...3).map {
        "127.0.0.1:5000/reliability/data:\($0)-\(UUID().uuidString.prefix(6).lowercased())"
    }

    /// Runs each named case, records its failures, prints the area's line and expects every case to pass.
    static func area(_ name: String, _ cases: [(String, () throws -> [String])], skipped: [String] = []) {
        var passed = 0
        let started = Date()
        for (label, body) in cases {
            var failures: [String]
            do { failures = try body() } catch { failures = ["\(error)"] }
            if failures.isEmpty {
                passed += 1
            } else {
                Issue.record("\(name) / \(label): \(failures.joined(separator: "; "))")
            }
        }
        let seconds = Int(Date().timeIntervalSince(started))
        let skips = skipped.isEmpty ? "" : "; skipped: \(skipped.joined(separator: "; "))"
        print("\(name): \(cases.count) cases tried, \(passed) passed (\(seconds) s\(skips))")
        #expect(passed == cases.count)
    }

    /// The registry answers `/v2/` within `seconds`.
    static func serving(_ seconds: Double = 20) throws -> Bool {
        try eventually(seconds) { try curl("\(base)/v2/")?.status == 200 }
    }

    /// Ready and serving after a hook, else the reasons.
    static func readyAndServing(_ charm: CharmUnderTest) throws -> [String] {
        var failures: [String] = []
        let status = try charm.unitStatus()
        if status.message != ready { failures.append("status \(status.state): \(status.message)") }
        if try !serving() { failures.append("the registry does not answer") }
        return failures
    }

    // MARK: - data (push)

    @Test("data: three busybox images with random layers are pushed and their digests recorded")
    func dataPush() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try #require(try charm.unitStatus().message == Self.ready)
        for tag in Self.dataTags {
            try TestImages.busyboxWithRandomLayer(tag, bytes: 256 * 1024)
            let push = try shell("docker", ["push", tag])
            try #require(push.succeeded, "push \(tag): \(push.stderr)")
            let id = try #require(try TestImages.id(tag))
            let digest = try #require(TestImages.pushedDigest(push), "\(push.stdout)")
            Self.pushed.record(tag, id: id, digest: digest)
        }
        #expect(Self.pushed.all.count == 3)
    }

    // MARK: - faults

    @Test("faults: killed, removed, config.yml lost, docker failing, state lost, storage full — each recovers")
    func faults() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try #require(try charm.unitStatus().message == Self.ready)
        var cases: [(String, () throws -> [String])] = []

        cases.append(
            (
                "docker kill registry",
                {
                    try TestImages.check(shell("docker", ["kill", "registry"]), "docker kill")
                    try charm.hook("update-status")
                    return try Self.readyAndServing(charm)
                }
            )
        )
        cases.append(
            (
                "docker rm -f registry",
                {
                    try TestImages.check(shell("docker", ["rm", "-f", "registry"]), "docker rm")
                    try charm.hook("update-status")
                    var failures = try Self.readyAndServing(charm)
                    if try charm.containerID() == nil { failures.append("no container") }
                    return failures
                }
            )
        )
        cases.append(
            (
                "config.yml deleted, container restarted",
                {
                    let path = "/etc/docker/registry/config.yml"
                    try FileManager.default.removeItem(atPath: path)
                    // dockerd makes a directory at the missing source; the restart itself fails on it.
                    _ = try shell("docker", ["restart", "registry"])
                    var isDirectory: ObjCBool = false
                    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue
                    else {
                        return ["precondition: dockerd did not make a directory at \(path)"]
                    }
                    try charm.hook("update-status")
                    var failures = try Self.readyAndServing(charm)
                    if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) || isDirectory.boolValue
                    {
                        failures.append("config.yml is not a file again")
                    }
                    return failures
                }
            )
        )
        cases.append(
            (
                "docker CLI fails during a hook",
                {
                    // A `docker` first on PATH that fails as a CLI without a daemon does; the container is gone, so the
                    // hook must run the CLI to create it again.
                    let fake = charm.root.appendingPathComponent("fake-bin")
                    try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
                    let marker = charm.root.appendingPathComponent("fake-docker-called").path
                    let script = """
                        #!/bin/sh
                        echo "$*" >> \(marker)
                        echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
                        exit 1

                        """
                    let docker = fake.appendingPathComponent("docker").path
                    try script.write(toFile: docker, atomically: true, encoding: .utf8)
                    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: docker)
                    try TestImages.check(shell("docker", ["rm", "-f", "registry"]), "docker rm")
                    let path = "\(fake.path):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
                    let run = try shell(
                        CharmUnderTest.simBinary,
                        ["--state-dir", charm.stateDirectory.path, "hook", "update-status"],
                        environment: ["PATH": path]
                    )
                    var failures: [String] = []
                    if !FileManager.default.fileExists(atPath: marker) { failures.append("the hook never ran docker") }
                    if !run.succeeded { failures.append("the hook failed: \(run.stdout) \(run.stderr)") }
                    let during = try charm.unitStatus()
                    print("  faults note: docker failing → \(during.state): \(during.message)")
                    if during.message == Self.ready { failures.append("status says Ready while docker fails") }
                    if during.state == "active" { failures.append("active while docker fails: \(during.message)") }
                    // The reason is docker's failure, not an operator's stop: the start action would not help.
                    if !during.message.lowercased().contains("docker") || during.message.contains("start action") {
                        failures.append("the status does not say docker failed: \(during.message)")
                    }
                    try charm.hook("update-status")
                    failures += try Self.readyAndServing(charm)
                    return failures
                }
            )
        )
        cases.append(
            (
                "unit state lost between hooks",
                {
                    let id = try charm.containerID()
                    let dropped = try SimModelFile.dropUnitState(stateDirectory: charm.stateDirectory)
                    guard dropped > 0 else { return ["precondition: the unit had no state to lose"] }
                    try charm.hook("update-status")
                    try charm.hook("config-changed")
                    var failures = try Self.readyAndServing(charm)
                    if try charm.containerID() != id { failures.append("the container was re-created") }
                    return failures
                }
            )
        )
        cases.append(
            (
                "storage full (16 MiB tmpfs), 32 MiB push",
                {
                    // The tmpfs goes over a new repository's directory, not over /srv/registry: it hides no stored data,
                    // and the upload (staged under the repository's _uploads) is what fills it.
                    let repository = "reliability/full-\(UUID().uuidString.prefix(6).lowercased())"
                    let tmpfs = try SmallTmpfs(
                        path: "/srv/registry/docker/registry/v2/repositories/\(repository)",
                        megabytes: 16
                    )
                    defer { tmpfs.unmount() }
                    // The container sees host mounts made before it was created: re-create it.
                    try charm.configure(["storage-delete": "true"])
                    var failures = try Self.readyAndServing(charm)
                    let big = "127.0.0.1:5000/\(repository):big"
                    try TestImages.importRandom(big, bytes: 32 * 1024 * 1024)
                    defer { TestImages.removeLocal(big) }
                    let push = try shell("timeout", ["90", "docker", "push", big])
                    if push.succeeded { failures.append("a 32 MiB push into 16 MiB succeeded") }
                    if push.exitCode == 124 { failures.append("the push hung (timeout)") }
                    // The push failed because the storage filled, not for another reason.
                    let logs = try shell("docker", ["logs", "registry"])
                    if !(logs.stdout + logs.stderr).contains("no space left on device") {
                        failures.append("the registry's log does not say the storage is full")
                    }
                    try charm.hook("update-status")
                    let full = try charm.unitStatus()
                    let reason = push.stderr.split(separator: "\n").last ?? ""
                    print(
                        "  faults note: full storage → push exit \(push.exitCode) (\(reason)); unit \(full.state): \(full.message)"
                    )
                    if full.state != "active" && full.message.isEmpty { failures.append("not active and says nothing") }
                    if try !Self.serving() { failures.append("the registry stopped answering when full") }
                    tmpfs.unmount()
                    try charm.configure(["storage-delete": "false"])
                    failures += try Self.readyAndServing(charm)
                    let small = "127.0.0.1:5000/\(repository):small"
                    try TestImages.importRandom(small, bytes: 64 * 1024)
                    defer { TestImages.removeLocal(small) }
                    let again = try shell("docker", ["push", small])
                    if !again.succeeded { failures.append("a small push after freeing space failed: \(again.stderr)") }
                    return failures
                }
            )
        )
        Self.area("faults", cases)
    }

    // MARK: - idempotency

    @Test("idempotency: every hook run a second time sets nothing, keeps the container and every file")
    func idempotency() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let clients = try charm.relate("docker-registry", "containerd")
        let website = try charm.relate("website", "haproxy")
        let nrpe = try charm.relate("nrpe-external-master", "nrpe")
        let related = try charm.unitStatus()
        // With the website relation the registry is reached through the proxy (the sim's haproxy/0 address).
        let expected = related.message
        try #require(related.state == "active" && expected.hasSuffix(":5000 (http, proxied)."), "\(expected)")
        let roots = ["/etc/docker/registry", "/etc/nagios", "/var/lib/nagios"]
        let hooks: [(String, Int?, String?)] = [
            ("config-changed", nil, nil), ("update-status", nil, nil), ("upgrade-charm", nil, nil),
            ("leader-elected", nil, nil), ("docker-registry-relation-changed", clients, "containerd/0"),
            ("website-relation-changed", website, "haproxy/0"),
            ("nrpe-external-master-relation-changed", nrpe, "nrpe/0"),
        ]
        let cases: [(String, () throws -> [String])] = hooks.map { hook in
            (
                hook.0,
                {
                    try charm.hook(hook.0, relation: hook.1, remoteUnit: hook.2)
                    let id = try charm.containerID()
                    let before = FileState.of(roots)
                    try charm.hook(hook.0, relation: hook.1, remoteUnit: hook.2)
                    var failures: [String] = []
                    let writes = try charm.lastHookToolCalls().filter {
                        ["relation-set", "state-set", "status-set"].contains(
                            $0.split(separator: " ").first.map(String.init)
                        )
                    }
                    if !writes.isEmpty { failures.append("second run called \(writes)") }
                    if try charm.containerID() != id { failures.append("the container changed") }
                    let after = FileState.of(roots)
                    let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
                    if !changed.isEmpty { failures.append("files changed: \(changed)") }
                    let status = try charm.unitStatus()
                    if status.message != expected { failures.append("status \(status.state): \(status.message)") }
                    return failures
                }
            )
        }
        Self.area("idempotency", cases)
    }

    // MARK: - secrets

    @Test("secrets: no password, key, proxy credential or http secret in logs, status, argv, actions or files")
    func secrets() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        let dropIns = "/etc/systemd/system/docker.service.d"
        let dropInsBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: dropIns)) ?? [])
        defer {
            charm.tearDown()
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dropIns)) ?? []
            where !dropInsBefore.contains(name) {
                try? FileManager.default.removeItem(atPath: "\(dropIns)/\(name)")
            }
        }
        let password = "bp-\(UUID().uuidString)"
        let proxySecret = "ps-\(UUID().uuidString)"
        let keyLine = try #require(
            pki.serverKey.split(separator: "\n").first { !$0.hasPrefix("-----") }.map(String.init)
        )
        let settings = [
            "registry-image": CharmUnderTest.registryImage, "auth-basic-user": "alice",
            "auth-basic-password": password, "tls-cert-blob": pki.serverCertificate.base64,
            "tls-key-blob": pki.serverKey.base64, "http_proxy": "http://puser:\(proxySecret)@127.0.0.1:3128",
        ]
        // Secrets reach charm-sim in a file, never on the test's own argv.
        let file = charm.root.appendingPathComponent("secrets.json")
        try JSONSerialization.data(withJSONObject: settings).write(to: file)
        let poller = ArgvPoller()
        poller.start()
        let deploy = try charm.sim(
            ["deploy", charm.charmDirectory.path, "--juju-version", CharmUnderTest.jujuVersion, "--config", file.path]
        )
        try charm.hook("config-changed")
        try charm.hook("update-status")
        let action = try charm.sim(["run", "images", "--format", "json"])
        let (argv, rounds) = poller.stop()
        try #require(deploy.succeeded, "\(deploy.stdout) \(deploy.stderr)")

        let status = try charm.sim(["status", "--format", "json"]).stdout
        let relations = try JSONSerialization.jsonObject(with: Data(status.utf8)) as? [String: Any]
        let peer = (relations?["relations"] as? [[String: Any]])?.first { $0["endpoint"] as? String == "peer" }
        let peerID = try #require(peer?["id"] as? Int, "no peer relation in \(status)")
        let peerReport = try charm.sim(["relation-data", String(peerID)]).stdout
        let appData =
            (try JSONSerialization.jsonObject(with: Data(peerReport.utf8)) as? [String: Any])?[
                "application-data"
            ] as? [String: [String: String]]
        let httpSecret = try #require(appData?["docker-registry"]?["http-secret"], "\(peerReport)")
        try #require(httpSecret.count >= 16)

        let secrets = [
            "basic password": password, "TLS key": keyLine,
            "TLS key blob": String(pki.serverKey.base64.dropFirst(200).prefix(60)),
            "proxy credential": proxySecret, "http secret": httpSecret,
        ]
        let registry = "/etc/docker/registry"
        // The files that must hold a secret, and which ones.
        let holders: [String: Set<String>] = [
            "\(registry)/config.yml": ["http secret"], "\(registry)/registry.key": ["TLS key"],
            // The read-only twin's configuration (garbage collection) is config.yml's, 0600 as it is.
            "\(registry)/config-read-only.yml": ["http secret"],
        ]
        let roots = ["/etc/docker", dropIns, "/etc/nagios", "/var/lib/nagios"]
        let files = FileState.regularFiles(roots)
        let dropInFiles = files.filter { $0.hasPrefix(dropIns + "/") }

        let sources: [(String, () throws -> String)] = [
            ("charm-sim log", { try charm.logText() }),
            ("charm-sim status", { status }),
            ("status history", { try SimModelFile.statusHistory(stateDirectory: charm.stateDirectory) }),
            ("hook history (stdout, stderr)", { try charm.sim(["history", "--format", "json"]).stdout }),
            (
                "process argv (\(argv.count) seen in \(rounds) polls)",
                {
                    // The poller must have seen the charm and its docker calls, or it proves nothing.
                    guard argv.contains(where: { $0.contains("docker-registry-charm") }),
                        argv.contains(where: { $0.hasPrefix("docker ") || $0.contains("/docker ") })
                    else { throw TestFailure("the poller saw neither the charm nor a docker call") }
                    return argv.sorted().joined(separator: "\n")
                }
            ),
            ("action images output", { action.stdout + action.stderr }),
        ]
        var cases: [(String, () throws -> [String])] = sources.map { source in
            (
                source.0,
                {
                    let text = try source.1()
                    return secrets.filter { text.contains($0.value) }.map { "holds the \($0.key)" }.sorted()
                }
            )
        }
        cases.append(
            (
                "files under /etc/docker, the docker drop-ins, /etc/nagios, /var/lib/nagios",
                {
                    var failures: [String] = []
                    if files.isEmpty { failures.append("no files found") }
                    for path in files {
                        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
                        let allowed = holders[path] ?? (dropInFiles.contains(path) ? ["proxy credential"] : [])
                        for (name, value) in secrets where text.contains(value) && !allowed.contains(name) {
                            failures.append("\(path) holds the \(name)")
                        }
                    }
                    return failures
                }
            )
        )
        cases.append(
            (
                "the files that hold a secret are 0600",
                {
                    var failures: [String] = []
                    let proxyHolders = dropInFiles.filter {
                        String(decoding: FileManager.default.contents(atPath: $0) ?? Data(), as: UTF8.self).contains(
                            proxySecret
                        )
                    }
                    if proxyHolders.isEmpty { failures.append("no docker drop-in holds the proxy setting") }
                    for path in Array(holders.keys) + proxyHolders {
                        guard let mode = FileState.mode(path) else {
                            failures.append("\(path) is missing")
                            continue
                        }
                        if mode & 0o777 != 0o600 { failures.append("\(path) is \(String(mode, radix: 8))") }
                    }
                    return failures
                }
            )
        )
        Self.area("secrets", cases)
    }

    // MARK: - pushes during re-creation

    @Test("pushes during re-creation: 20 concurrent pushes while storage-delete toggles; no pushed image is lost")
    func pushesDuringRecreation() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try #require(try charm.unitStatus().message == Self.ready)
        let run = UUID().uuidString.prefix(6).lowercased()
        let tags = (0..<20).map { "127.0.0.1:5000/reliability/push-\(run)-\($0):v1" }
        defer { tags.forEach(TestImages.removeLocal) }
        var ids: [String: String] = [:]
        for tag in tags {
            try TestImages.importRandom(tag, bytes: 128 * 1024)
            ids[tag] = try TestImages.id(tag)
        }

        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var succeeded: [String] = []
            var failed: [String: String] = [:]
            var finished = 0
        }
        let results = Results()
        let poller = AvailabilityPoller(url: "\(Self.base)/v2/")
        poller.start()
        for (index, tag) in tags.enumerated() {
            Thread {
                // Staggered over about 3 s so the pushes overlap the re-creations.
                Thread.sleep(forTimeInterval: Double(index) * 0.15)
                let output = try? shell("timeout", ["120", "docker", "push", tag])
                results.lock.withLock {
                    if output?.succeeded == true {
                        results.succeeded.append(tag)
                    } else {
                        results.failed[tag] = output.map { $0.stderr } ?? "did not run"
                    }
                    results.finished += 1
                }
            }.start()
        }
        var toggles = 0
        var toggleFailures: [String] = []
        while results.lock.withLock({ results.finished < tags.count }) || toggles < 2 {
            toggles += 1
            do {
                try charm.configure(["storage-delete": toggles % 2 == 1 ? "true" : "false"])
            } catch {
                toggleFailures.append("\(error)")
            }
        }
        let unanswered = poller.stop()
        #expect(toggleFailures.isEmpty, "\(toggleFailures)")
        try charm.configure(["storage-delete": "false"])
        #expect(try Self.serving())

        let (succeeded, failed) = results.lock.withLock { (results.succeeded, results.failed) }
        var lost: [String] = []
        for tag in succeeded {
            TestImages.removeLocal(tag)
            let pull = try shell("docker", ["pull", tag])
            if try !pull.succeeded || TestImages.id(tag) != ids[tag] { lost.append("\(tag): \(pull.stderr)") }
        }
        print(
            "pushes during re-creation: \(tags.count) tried, \(succeeded.count) succeeded, failed \(failed.count)"
                + " (\(toggles) re-creations, \(unanswered) unanswered polls of /v2/)"
        )
        for (tag, error) in failed.sorted(by: { $0.key < $1.key }) {
            print("  failed push \(tag): \(error.split(separator: "\n").last ?? "")")
        }
        #expect(lost.isEmpty, "pushed images lost: \(lost)")
        #expect(succeeded.count + failed.count == tags.count)
    }

    // MARK: - data (pull back)

    @Test("data: the images pushed first pull back byte-identical after every other area")
    func dataPullBack() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try #require(try charm.unitStatus().message == Self.ready)
        let pushed = Self.pushed.all
        try #require(pushed.count == 3, "the data push test did not run first")
        let cases: [(String, () throws -> [String])] = pushed.sorted { $0.key < $1.key }.map { tag, recorded in
            (
                tag,
                {
                    TestImages.removeLocal(tag)
                    var failures: [String] = []
                    let pull = try shell("docker", ["pull", tag])
                    if !pull.succeeded { return ["pull failed: \(pull.stderr)"] }
                    if try TestImages.id(tag) != recorded.id { failures.append("image id differs") }
                    let repository = String(tag[..<(tag.lastIndex(of: ":") ?? tag.endIndex)])
                    let byDigest = "\(repository)@\(recorded.digest)"
                    let pinned = try shell("docker", ["pull", byDigest])
                    if !pinned.succeeded { failures.append("pull by digest failed: \(pinned.stderr)") }
                    if try TestImages.id(byDigest) != recorded.id { failures.append("id by digest differs") }
                    TestImages.removeLocal(tag)
                    TestImages.removeLocal(byDigest)
                    return failures
                }
            )
        }
        Self.area("data", cases)
    }
}
