import Foundation
import Testing

/// The charm's actions through charm-sim against the real dockerd and the real registry.
@Suite("Actions on a real docker engine", .serialized, .enabled(if: CharmUnderTest.enabled))
struct ActionsIntegrationTests {
    static let origin = "http://127.0.0.1:5000"
    static let netloc = "127.0.0.1:5000"

    /// Removes the local copy of `reference` and pulls it back with plain docker.
    func pullBack(_ reference: String, environment: [String: String] = [:]) throws -> ProcessOutput {
        try shell("docker", ["rmi", reference])
        return try shell("docker", ["pull", reference], environment: environment)
    }

    @Test("push pull=false: plain, then with basic auth; digest as the registry reports it; plain docker pull works")
    func pushPlainThenBasicAuth() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let tag = "\(Self.netloc)/busybox:test"
        let plain = try charm.action("push", ["image": CharmUnderTest.busyboxImage, "pull": "false"])
        #expect(plain.status == "completed", "\(plain.raw)")
        #expect(plain.result("raw") == "pushed \(tag)")
        #expect(plain.result("outcome") == "success")
        let digest = try #require(plain.result("digest"))
        #expect(try registryDigest(Self.origin, "busybox", "test") == digest)
        #expect(try pullBack(tag).succeeded)

        let password = "act-\(UUID().uuidString.prefix(8))-pw"
        try charm.configure(["auth-basic-user": "pusher", "auth-basic-password": password])
        let rootConfig = FileManager.default.contents(atPath: NSHomeDirectory() + "/.docker/config.json")
        let authed = try charm.action(
            "push",
            ["image": CharmUnderTest.busyboxImage, "pull": "false", "tag": "\(Self.netloc)/auth/busybox:v1"]
        )
        #expect(authed.status == "completed", "\(authed.raw)")
        #expect(authed.result("raw") == "pushed \(Self.netloc)/auth/busybox:v1")
        let credentials = ["user = \"pusher:\(password)\""]
        #expect(
            try registryDigest(Self.origin, "auth/busybox", "v1", configLines: credentials) == authed.result("digest")
        )
        #expect(authed.log.contains { $0.contains("Logging in to \(Self.netloc) as pusher.") })
        let client = DockerClientConfig()
        defer { client.remove() }
        #expect(try client.login(Self.netloc, user: "pusher", password: password).succeeded)
        #expect(try pullBack("\(Self.netloc)/auth/busybox:v1", environment: client.environment).succeeded)

        // The password is in no result, progress line, log, nor in root's docker configuration.
        #expect(!authed.raw.contains(password))
        #expect(!(try charm.logText()).contains(password))
        #expect(FileManager.default.contents(atPath: NSHomeDirectory() + "/.docker/config.json") == rootConfig)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: "/run").filter {
            $0.hasPrefix("docker-registry-push-")
        }
        #expect(leftovers.isEmpty, "temporary docker configurations left: \(leftovers)")
    }

    @Test("push over TLS, then TLS with basic auth; pullable by plain docker; list with client certificates required")
    func pushWithTLS() throws {
        // The unit presents its server pair as client identity (as the reactive charm did): it needs clientAuth.
        let pki = try EasyRSA.make(serverClient: true)
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        // No CA first: dockerd treats 127.0.0.0/8 as insecure and then ignores certs.d (its client certificate
        // included), so on loopback it can push over TLS only to a registry that does not require client certificates.
        // On a unit the netloc is the private address, which dockerd treats as secure.
        try charm.deploy(["tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        let verify = ["--cacert", pki.caPath]
        let secure = try charm.action(
            "push",
            ["image": CharmUnderTest.busyboxImage, "pull": "false", "tag": "\(Self.netloc)/tls/busybox:v1"]
        )
        #expect(secure.status == "completed", "\(secure.raw)")
        #expect(
            try registryDigest("https://127.0.0.1:5000", "tls/busybox", "v1", extra: verify) == secure.result("digest")
        )
        #expect(try pullBack("\(Self.netloc)/tls/busybox:v1").succeeded)

        let password = "tls-\(UUID().uuidString.prefix(8))-pw"
        try charm.configure(["auth-basic-user": "pusher", "auth-basic-password": password])
        let both = try charm.action(
            "push",
            ["image": CharmUnderTest.busyboxImage, "pull": "false", "tag": "\(Self.netloc)/tls/busybox:v2"]
        )
        #expect(both.status == "completed", "\(both.raw)")
        #expect(
            try registryDigest(
                "https://127.0.0.1:5000",
                "tls/busybox",
                "v2",
                extra: verify,
                configLines: ["user = \"pusher:\(password)\""]
            ) == both.result("digest")
        )

        // With a CA the registry requires client certificates: the list action presents the server pair.
        try charm.configure(["tls-ca-blob": pki.ca.base64])
        let listed = try charm.action("list", ["repository": "tls/busybox"])
        #expect(listed.status == "completed", "\(listed.raw)")
        #expect(listed.result("output")?.contains("tls/busybox:v1 \(secure.result("digest") ?? "?")") == true)
        #expect(listed.result("output")?.contains("tls/busybox:v2 \(both.result("digest") ?? "?")") == true)
        #expect(!both.raw.contains(password) && !listed.raw.contains(password))
        #expect(!(try charm.logText()).contains(password))
    }

    @Test("list, delete, garbage-collect: a dry run changes nothing; the collection frees the deleted layer only")
    func deleteAndCollect() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["storage-delete": "true"])
        let random = "localhost/random:\(UUID().uuidString.prefix(8).lowercased())"
        try importRandomImage(random, megabytes: 4)
        defer { _ = try? shell("docker", ["rmi", random]) }
        let tag = String(random.split(separator: ":").last ?? "")
        let pushedRandom = try charm.action("push", ["image": random, "pull": "false"])
        #expect(pushedRandom.status == "completed", "\(pushedRandom.raw)")
        let keep = try charm.action("push", ["image": CharmUnderTest.busyboxImage, "pull": "false"])
        #expect(keep.status == "completed")

        let listed = try charm.action("list")
        #expect(listed.status == "completed", "\(listed.raw)")
        let output = try #require(listed.result("output"))
        #expect(output.contains("random:\(tag) \(pushedRandom.result("digest") ?? "?")"))
        #expect(output.contains("busybox:test \(keep.result("digest") ?? "?")"))
        let json = try #require(listed.result("result"))
        #expect(json.contains("\"name\":\"random\""))

        let deleted = try charm.action("delete", ["image": "random:\(tag)"])
        #expect(deleted.status == "completed", "\(deleted.raw)")
        #expect(deleted.result("digest") == pushedRandom.result("digest"))
        #expect(try charm.action("list", ["repository": "random"]).result("output") == "random (no tags)")

        let before = try diskUsage("/srv/registry")
        let dry = try charm.action("garbage-collect", ["dry-run": "true"])
        #expect(dry.status == "completed", "\(dry.raw)")
        #expect(Int(dry.result("blobs-freed") ?? "") ?? 0 >= 1)
        #expect(Int(dry.result("bytes-freed") ?? "") ?? 0 > 3_500_000)
        #expect(try diskUsage("/srv/registry") == before, "a dry run must change nothing")

        let collected = try charm.action("garbage-collect")
        #expect(collected.status == "completed", "\(collected.raw)")
        let after = try diskUsage("/srv/registry")
        let freed = before - after
        #expect(freed > 3_500_000 && freed < 6_000_000, "freed \(freed) bytes")
        #expect(Int(collected.result("bytes-freed") ?? "") == freed)
        #expect(try eventually { try curl("\(Self.origin)/v2/")?.status == 200 })
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        #expect(try pullBack("\(Self.netloc)/busybox:test").succeeded, "other images must be intact")
    }

    @Test("stop keeps the registry stopped and blocked across update-status; start serves it with its data")
    func stopAndStart() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        #expect(
            try charm.action("push", ["image": CharmUnderTest.busyboxImage, "pull": "false"]).status == "completed"
        )
        let stopped = try charm.action("stop")
        #expect(stopped.status == "completed", "\(stopped.raw)")
        #expect(try charm.containerID() == nil)
        #expect(try charm.unitStatus().state == "blocked")
        #expect(try charm.unitStatus().message == "registry container was stopped. Run the start action to start it.")
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try charm.containerID() == nil)
        #expect(try charm.unitStatus().message == "registry container is stopped. Run the start action to start it.")
        #expect(try charm.unitStatus().ports.isEmpty)
        #expect(try curl("\(Self.origin)/v2/") == nil)

        let started = try charm.action("start")
        #expect(started.status == "completed", "\(started.raw)")
        #expect(try charm.unitStatus().message == "registry container was started.")
        #expect(try eventually { try curl("\(Self.origin)/v2/")?.status == 200 })
        #expect(try pullBack("\(Self.netloc)/busybox:test").succeeded)
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        #expect(try charm.unitStatus().ports == ["5000/tcp"])
    }

    @Test("injection attempts run nothing and fail with one sentence; debug archives no secret")
    func injectionAndDebug() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let password = "dbg-\(UUID().uuidString.prefix(8))-pw"
        try charm.deploy(["auth-basic-user": "admin", "auth-basic-password": password])
        let marker = "/tmp/pwned-\(UUID().uuidString)"
        for (action, parameters) in [
            ("push", ["image": "busybox; touch \(marker)", "pull": "false"]),
            ("push", ["image": "$(touch \(marker))", "pull": "false"]),
            ("images", ["options": "--all `touch \(marker)`"]),
            ("rmi", ["image": "--force busybox"]),
            ("stop", ["name": "registry; touch \(marker)"]),
            ("delete", ["image": "-rf"]),
        ] {
            let run = try charm.action(action, parameters)
            #expect(run.status == "failed", "\(action) \(parameters)")
            let message = run.message ?? ""
            #expect(
                message.first?.isUppercase == true && message.hasSuffix(".") && !message.contains("\n"),
                "\(message)"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(try charm.containerID() != nil)

        let debug = try charm.action("debug")
        #expect(debug.status == "completed", "\(debug.raw)")
        let path = try #require(debug.result("path"))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let listing = try shell("tar", ["-tzf", path]).stdout
        #expect(
            listing.contains("config.yml") && listing.contains("registry.log") && listing.contains("docker-info.txt")
        )
        let contents = try shell("tar", ["-xzOf", path]).stdout
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        let secretLine = config.split(separator: "\n").first { $0.contains("\"secret\"") || $0.contains("secret:") }
        let secret =
            secretLine.map { $0.split(separator: ":").last.map(String.init) ?? "" }?
            .trimmingCharacters(in: CharacterSet(charactersIn: " \",")) ?? ""
        #expect(secret.count > 20, "the rendered config should hold the http secret")
        #expect(!contents.contains(secret))
        #expect(!contents.contains(password))
        #expect(contents.contains("REDACTED"))
        #expect(!(try charm.logText()).contains(password))
    }
}
