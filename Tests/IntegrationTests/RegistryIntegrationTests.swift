import Foundation
import Testing

/// The built charm under charm-sim against the real dockerd, the real registry image and real clients.
@Suite("Registry on a real docker engine", .serialized, .enabled(if: CharmUnderTest.enabled))
struct RegistryIntegrationTests {
    static let base = "http://127.0.0.1:5000"

    /// Tags the busybox test image as `<netloc>/<name>` and pushes it; returns whether docker accepted the push.
    func push(_ name: String, to netloc: String = "127.0.0.1:5000", environment: [String: String] = [:]) throws
        -> ProcessOutput
    {
        try shell("docker", ["tag", CharmUnderTest.busyboxImage, "\(netloc)/\(name)"])
        return try shell("docker", ["push", "\(netloc)/\(name)"], environment: environment)
    }

    /// Removes the local tag and pulls it back from the registry.
    func pullBack(_ name: String, from netloc: String = "127.0.0.1:5000") throws -> ProcessOutput {
        try shell("docker", ["rmi", "\(netloc)/\(name)"])
        return try shell("docker", ["pull", "\(netloc)/\(name)"])
    }

    @Test("deploy: Ready at 127.0.0.1:5000 (http), /v2/ answers as a registry, push and pull work")
    func deployServes() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let status = try charm.unitStatus()
        #expect(status.state == "active")
        #expect(status.message == "Ready at 127.0.0.1:5000 (http).")
        #expect(status.ports == ["5000/tcp"])
        let answer = try #require(try curl("\(Self.base)/v2/"))
        #expect(answer.status == 200)
        #expect(answer.headers["docker-distribution-api-version"] == "registry/2.0")
        #expect(try push("it/busybox:deploy").succeeded)
        #expect(try pullBack("it/busybox:deploy").succeeded)
        let inspect = try shell(
            "docker",
            ["inspect", "--format", "{{.HostConfig.NetworkMode}} {{.HostConfig.RestartPolicy.Name}}", "registry"]
        )
        #expect(inspect.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "host unless-stopped")
    }

    @Test("basic auth: 401 with a challenge, login works with the password only, a new password takes effect")
    func basicAuth() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let password = "pw-\(UUID().uuidString.prefix(8))-#: x"
        try charm.deploy()
        try charm.configure(["auth-basic-user": "admin", "auth-basic-password": password])
        let challenge = try #require(try curl("\(Self.base)/v2/"))
        #expect(challenge.status == 401)
        #expect(challenge.headers["www-authenticate"]?.hasPrefix("Basic realm=") == true)
        #expect(challenge.headers["docker-distribution-api-version"] == "registry/2.0")
        let escaped = password.replacingOccurrences(of: "\"", with: "\\\"")
        #expect(try curl("\(Self.base)/v2/", configLines: ["user = \"admin:\(escaped)\""])?.status == 200)
        #expect(try curl("\(Self.base)/v2/", configLines: ["user = \"admin:wrong\""])?.status == 401)

        let dockerConfig = FileManager.default.temporaryDirectory.appendingPathComponent("docker-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: dockerConfig) }
        let environment = ["DOCKER_CONFIG": dockerConfig]
        let login = try shell(
            "docker",
            ["login", "127.0.0.1:5000", "-u", "admin", "--password-stdin"],
            input: password,
            environment: environment
        )
        #expect(login.succeeded, "\(login.stderr)")
        #expect(try push("it/busybox:auth", environment: environment).succeeded)
        let wrong = try shell(
            "docker",
            ["login", "127.0.0.1:5000", "-u", "admin", "--password-stdin"],
            input: "wrong",
            environment: environment
        )
        #expect(!wrong.succeeded)

        let newPassword = "second-\(UUID().uuidString.prefix(8))"
        try charm.configure(["auth-basic-password": newPassword])
        #expect(try curl("\(Self.base)/v2/", configLines: ["user = \"admin:\(escaped)\""])?.status == 401)
        #expect(try curl("\(Self.base)/v2/", configLines: ["user = \"admin:\(newPassword)\""])?.status == 200)

        // The password is in no log, status, container definition or file but htpasswd (as a bcrypt hash).
        let status = try charm.unitStatus()
        #expect(!status.message.contains(newPassword))
        #expect(!(try charm.logText()).contains(newPassword))
        let container = try shell("docker", ["inspect", "registry"]).stdout
        #expect(!container.contains(newPassword))
        let htpasswd = try String(contentsOfFile: "/etc/docker/registry/htpasswd", encoding: .utf8)
        #expect(htpasswd.hasPrefix("admin:$2") && !htpasswd.contains(newPassword))
        let grep = try shell(
            "grep",
            ["-rl", "--", newPassword, "/etc/docker", charm.stateDirectory.appendingPathComponent("agents").path]
        )
        #expect(grep.stdout.isEmpty, "password found in: \(grep.stdout)")
    }

    @Test(
        "TLS from easy-rsa blobs: https verified against the CA, client certificates required with a CA, http refused"
    )
    func tlsFromBlobs() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try charm.configure([
            "tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64,
            "tls-ca-blob": pki.ca.base64,
        ])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        let https = "https://127.0.0.1:5000/v2/"
        let withClient = try curl(
            https,
            extra: ["--cacert", pki.caPath, "--cert", pki.clientCertificatePath, "--key", pki.clientKeyPath]
        )
        #expect(withClient?.status == 200)
        #expect(withClient?.headers["docker-distribution-api-version"] == "registry/2.0")
        #expect(
            try curl(https, extra: ["--cacert", pki.caPath]) == nil,
            "a client without a certificate must be refused"
        )
        #expect(try curl(https) == nil, "an unverified server must be refused by curl")
        let plain = try curl("\(Self.base)/v2/")
        #expect(plain?.status != 200)
        let key = try FileManager.default.attributesOfItem(atPath: "/etc/docker/registry/registry.key")
        #expect((key[.posixPermissions] as? Int) == 0o600)

        // Without a CA the registry serves TLS without asking for client certificates.
        try charm.reset(["tls-ca-blob"])
        #expect(try curl(https, extra: ["--cacert", pki.caPath])?.status == 200)
    }

    @Test("storage-read-only refuses pushes and serves pulls; storage-delete accepts manifest deletion")
    func readOnlyAndDelete() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        #expect(try push("it/busybox:ro").succeeded)
        try charm.configure(["storage-read-only": "true"])
        #expect(!(try push("it/busybox:ro-refused")).succeeded)
        #expect(try pullBack("it/busybox:ro").succeeded)

        try charm.configure(["storage-read-only": "false", "storage-delete": "true"])
        let head = try #require(
            try curl(
                "\(Self.base)/v2/it/busybox/manifests/ro",
                method: "HEAD",
                extra: ["-H", "Accept: application/vnd.docker.distribution.manifest.v2+json", "-I"]
            )
        )
        let digest = try #require(head.headers["docker-content-digest"])
        #expect(try curl("\(Self.base)/v2/it/busybox/manifests/\(digest)", method: "DELETE")?.status == 202)
    }

    @Test("an option that does not affect the container keeps it serving; one that does re-creates it once")
    func restartsOnlyWhenNeeded() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        #expect(try push("it/busybox:kept").succeeded)
        let first = try charm.containerID()

        let poller = AvailabilityPoller(url: "\(Self.base)/v2/")
        poller.start()
        try charm.configure(["nagios_context": "it-\(UUID().uuidString.prefix(4))"])
        let failures = poller.stop()
        #expect(try charm.containerID() == first)
        #expect(failures == 0, "the registry stopped answering during an unrelated config change")

        try charm.configure(["registry-port": "5002"])
        let second = try charm.containerID()
        #expect(second != nil && second != first)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5002 (http).")
        #expect(try charm.unitStatus().ports == ["5002/tcp"])
        #expect(try eventually { try curl("http://127.0.0.1:5002/v2/")?.status == 200 })
        #expect(try curl("\(Self.base)/v2/") == nil)
        #expect(try pullBack("it/busybox:kept", from: "127.0.0.1:5002").succeeded)

        _ = try charm.sim(["hook", "config-changed"])
        #expect(try charm.containerID() == second)
        try charm.reset(["registry-port"])
    }

    @Test("images pushed before an upgrade and a re-creation can still be pulled")
    func dataOutlivesContainers() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        #expect(try push("it/busybox:survivor").succeeded)
        let before = try charm.containerID()
        #expect(try charm.sim(["upgrade", charm.charmDirectory.path]).succeeded)
        #expect(try charm.containerID() == before, "an upgrade that changes nothing must not re-create the container")
        try charm.configure(["log-level": "debug"])
        #expect(try charm.containerID() != before)
        #expect(try eventually { try curl("\(Self.base)/v2/")?.status == 200 })
        #expect(try pullBack("it/busybox:survivor").succeeded)
    }

    @Test("update-status starts a registry container that died")
    func revivesDeadContainer() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        try shell("docker", ["stop", "registry"])
        #expect(try curl("\(Self.base)/v2/") == nil)
        #expect(try charm.sim(["update-status"]).succeeded)
        #expect(try eventually { try curl("\(Self.base)/v2/")?.status == 200 })
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
    }

    @Test("remove takes the container, the files and the port away and keeps the images")
    func removeCleansUp() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        #expect(try push("it/busybox:kept-after-remove").succeeded)
        #expect(try charm.sim(["remove"]).succeeded)
        #expect(try charm.containerID() == nil)
        #expect(!FileManager.default.fileExists(atPath: "/etc/docker/registry/config.yml"))
        #expect(FileManager.default.fileExists(atPath: "/srv/registry/docker/registry/v2/repositories/it/busybox"))
    }
}
