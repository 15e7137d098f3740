import Foundation
import Testing

/// Push and pull-only accounts from a Juju user secret, judged by real clients (skopeo, docker, containerd's ctr,
/// curl) against the real registry over TLS: the pull listener's read-only registry refuses pushes by itself.
@Suite("Accounts from Juju secrets, real clients", .serialized, .enabled(if: CharmUnderTest.enabled))
struct AccountsIntegrationTests {
    static let push = "ci:pu5h-s3cret"
    static let pull = "k8s:r3ad-only"

    /// A directory skopeo reads the CA from (`--cert-dir`).
    static func certDirectory(_ pki: EasyRSA) throws -> String {
        let directory = pki.directory.appendingPathComponent("skopeo-certs").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: directory + "/ca.crt") {
            try FileManager.default.copyItem(atPath: pki.caPath, toPath: directory + "/ca.crt")
        }
        return directory
    }

    /// `skopeo copy` of the local busybox image to `netloc/reference` with `credentials`.
    static func skopeoPush(_ netloc: String, _ reference: String, _ credentials: String, _ certs: String) throws
        -> ProcessOutput
    {
        try shell(
            "skopeo",
            [
                "copy", "--quiet", "--dest-creds", credentials, "--dest-cert-dir", certs,
                "docker-daemon:\(CharmUnderTest.busyboxImage)", "docker://\(netloc)/\(reference)",
            ]
        )
    }

    /// `skopeo copy` of `netloc/reference` into a directory (a full pull) with `credentials` (nil: anonymous).
    static func skopeoPull(_ netloc: String, _ reference: String, _ credentials: String?, _ certs: String) throws
        -> ProcessOutput
    {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("pull-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        return try shell(
            "skopeo",
            ["copy", "--quiet", "--src-cert-dir", certs]
                + (credentials.map { ["--src-creds", $0] } ?? ["--src-no-creds"])
                + ["docker://\(netloc)/\(reference)", "dir:\(target)"]
        )
    }

    /// `GET /v2/<repository>/manifests/<tag>` on `port` over TLS, with `account` (`user:password`) if given.
    static func manifest(_ port: Int, _ repository: String, _ account: String?, _ pki: EasyRSA) throws -> Int? {
        try curl(
            "https://127.0.0.1:\(port)/v2/\(repository)/manifests/test",
            extra: ["--cacert", pki.caPath] + PullPoller.accept,
            configLines: account.map { ["user = \"\($0)\""] } ?? []
        )?.status
    }

    func deploy(_ charm: CharmUnderTest, _ pki: EasyRSA) throws -> String {
        try charm.deploy(["tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64])
        let added = try charm.sim(["add-secret", "registry-accounts", "push=\(Self.push)", "pull=\(Self.pull)"])
        let uri = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(uri.hasPrefix("secret:"), "\(added.stdout) \(added.stderr)")
        // Not granted yet: blocked, naming the option and the command; the registry keeps serving.
        try charm.configure(["auth-accounts": uri])
        let blocked = try charm.unitStatus()
        #expect(blocked.state == "blocked", "\(blocked)")
        #expect(blocked.message.contains("juju grant-secret \(uri) docker-registry"), "\(blocked.message)")
        #expect(try curl("https://127.0.0.1:5000/v2/", extra: ["--cacert", pki.caPath])?.status == 200)
        // Juju runs no hook for a grant: the next update-status reads the secret again and applies it.
        try charm.sim(["grant-secret", uri, "docker-registry"])
        try charm.sim(["update-status"])
        return uri
    }

    @Test(
        "a pull-only account pulls (skopeo, docker) and the registry refuses its push; the push account pushes; anonymous pull on and off"
    )
    func pushAndPullOnly() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        _ = try deploy(charm, pki)
        let status = try charm.unitStatus()
        #expect(status.message == "Ready at 127.0.0.1:5000 (https). Pull-only at 127.0.0.1:5002.", "\(status)")
        #expect(Set(status.ports) == ["5000/tcp", "5002/tcp"], "\(status.ports)")
        let certs = try Self.certDirectory(pki)

        // The push account pushes on registry-port; the pull account cannot even log in there.
        #expect(try Self.skopeoPush("127.0.0.1:5000", "accounts/busybox:test", Self.push, certs).succeeded)
        let refusedThere = try Self.skopeoPush("127.0.0.1:5000", "accounts/other:test", Self.pull, certs)
        #expect(!refusedThere.succeeded)
        #expect(try Self.manifest(5000, "accounts/busybox", Self.pull, pki) == 401)

        // The pull account pulls on pull-port; its push is refused by the read-only registry itself.
        #expect(try Self.skopeoPull("127.0.0.1:5002", "accounts/busybox:test", Self.pull, certs).succeeded)
        #expect(try Self.skopeoPull("127.0.0.1:5002", "accounts/busybox:test", Self.push, certs).succeeded)
        #expect(try !Self.skopeoPull("127.0.0.1:5002", "accounts/busybox:test", nil, certs).succeeded)
        let pushed = try Self.skopeoPush("127.0.0.1:5002", "accounts/sneaky:test", Self.pull, certs)
        #expect(!pushed.succeeded)
        let upload = try curl(
            "https://127.0.0.1:5002/v2/accounts/sneaky/blobs/uploads/",
            method: "POST",
            extra: ["--cacert", pki.caPath],
            configLines: ["user = \"\(Self.pull)\""]
        )
        #expect(upload?.status == 405, "the read-only registry refuses: \(String(describing: upload))")

        // docker, logged in with the pull account only.
        let client = DockerClientConfig()
        defer { client.remove() }
        let parts = Self.pull.split(separator: ":", maxSplits: 1).map(String.init)
        #expect(try client.login("127.0.0.1:5002", user: parts[0], password: parts[1]).succeeded)
        let image = "127.0.0.1:5002/accounts/busybox:test"
        let pulled = try shell("docker", ["pull", image], environment: client.environment)
        #expect(pulled.succeeded, "\(pulled.stderr)")
        _ = try shell("docker", ["rmi", image])
        let dockerPush = try shell("docker", ["tag", CharmUnderTest.busyboxImage, "127.0.0.1:5002/accounts/d:1"])
        #expect(dockerPush.succeeded)
        #expect(
            try !shell("docker", ["push", "127.0.0.1:5002/accounts/d:1"], environment: client.environment).succeeded
        )
        _ = try shell("docker", ["rmi", "127.0.0.1:5002/accounts/d:1"])

        // Anonymous pull: anyone pulls on pull-port; registry-port still asks; pushing still needs the push account.
        try charm.configure(["auth-anonymous-pull": "true"])
        #expect(try Self.manifest(5002, "accounts/busybox", nil, pki) == 200)
        #expect(try Self.skopeoPull("127.0.0.1:5002", "accounts/busybox:test", nil, certs).succeeded)
        #expect(try Self.manifest(5000, "accounts/busybox", nil, pki) == 401)
        #expect(try !Self.skopeoPush("127.0.0.1:5002", "accounts/anon:test", "nobody:x", certs).succeeded)
        try charm.configure(["auth-anonymous-pull": "false"])
        #expect(try Self.manifest(5002, "accounts/busybox", nil, pki) == 401)
        #expect(try Self.manifest(5002, "accounts/busybox", Self.pull, pki) == 200)

        // The secret's content is nowhere the operator or a log can see it.
        let printed = try charm.logText() + (try charm.sim(["status", "--format", "json"]).stdout)
        #expect(!printed.contains("pu5h-s3cret") && !printed.contains("r3ad-only"))
        // Re-created from scratch (refresh, or the operator removed the containers): the same behaviour.
        _ = try shell("docker", ["rm", "-f", "registry", "registry.charm-pull"])
        #expect(try charm.sim(["upgrade", charm.charmDirectory.path]).succeeded)
        #expect(try Self.manifest(5002, "accounts/busybox", Self.pull, pki) == 200)
        #expect(try !Self.skopeoPush("127.0.0.1:5002", "accounts/sneaky:test", Self.pull, certs).succeeded)

        // Accounts unset: the pull listener and its port go.
        try charm.reset(["auth-accounts"])
        #expect(try charm.containerID("registry.charm-pull") == nil)
        #expect(try charm.unitStatus().ports == ["5000/tcp"])
    }

    @Test(
        "containerd related over docker-registry gets only the pull account and pulls; rotation lets the new password in and the old one not, 0 failed pulls for the others"
    )
    func relationAndRotation() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let uri = try deploy(charm, pki)
        let certs = try Self.certDirectory(pki)
        #expect(try Self.skopeoPush("127.0.0.1:5000", "accounts/busybox:test", Self.push, certs).succeeded)

        let clients = try charm.relate("docker-registry", "containerd")
        let data = try RelationIntegrationTests.decoded(try charm.relationData(clients))
        #expect(data["registry_netloc"] == "127.0.0.1:5002")
        #expect(data["registry_url"] == "https://127.0.0.1:5002")
        #expect(data["basic_user"] == "k8s")
        #expect(data["basic_password"] == "r3ad-only")
        // Without tls-ca-blob the certificate itself is what clients trust.
        #expect(data["tls_ca"] == .some(pki.serverCertificate))
        #expect(!(try charm.relationData(clients)).values.contains { $0.contains("pu5h-s3cret") })

        // containerd's own client, configured from the relation data alone.
        let netloc = try #require(data["registry_netloc"] ?? nil)
        let hosts = charm.root.appendingPathComponent("hosts.d")
        let hostDirectory = hosts.appendingPathComponent(netloc)
        try FileManager.default.createDirectory(at: hostDirectory, withIntermediateDirectories: true)
        let caFile = hostDirectory.appendingPathComponent("ca.crt")
        let ca = try #require(data["tls_ca"] ?? nil)
        try ca.write(to: caFile, atomically: true, encoding: .utf8)
        let authorization = Data("k8s:\(try #require(data["basic_password"] ?? nil))".utf8).base64EncodedString()
        let toml = """
            server = "https://\(netloc)"

            [host."https://\(netloc)"]
              capabilities = ["pull", "resolve"]
              ca = "\(caFile.path)"
              [host."https://\(netloc)".header]
                Authorization = "Basic \(authorization)"

            """
        try toml.write(to: hostDirectory.appendingPathComponent("hosts.toml"), atomically: true, encoding: .utf8)
        let ctr = ["-a", RelationIntegrationTests.containerdSocket, "-n", "charm-it"]
        let image = "\(netloc)/accounts/busybox:test"
        let pulled = try shell("ctr", ctr + ["images", "pull", "--hosts-dir", hosts.path, image])
        #expect(pulled.succeeded, "ctr pull: \(pulled.stdout) \(pulled.stderr)")
        _ = try shell("ctr", ctr + ["images", "rm", image])

        // Rotation of the pull password while the push account pulls in a loop on the pull listener.
        let containers = [try charm.containerID(), try charm.containerID("registry.charm-pull")]
        let poller = CredentialedPoller(port: 5002, account: Self.push, caPath: pki.caPath)
        try poller.start()
        Thread.sleep(forTimeInterval: 1)
        let started = Date()
        let updated = try charm.sim(["update-secret", uri, "push=\(Self.push)", "pull=k8s:n3w-r3ad"])
        let rotationSeconds = Date().timeIntervalSince(started)
        #expect(updated.succeeded, "\(updated.stderr)")
        Thread.sleep(forTimeInterval: 1)
        let polled = poller.stop()
        #expect(polled.pulls > 10 && polled.failed.isEmpty, "\(polled.failed.count) of \(polled.pulls) failed")
        #expect(try Self.manifest(5002, "accounts/busybox", "k8s:n3w-r3ad", pki) == 200)
        #expect(try Self.manifest(5002, "accounts/busybox", Self.pull, pki) == 401)
        #expect([try charm.containerID(), try charm.containerID("registry.charm-pull")] == containers)
        let rotated = try RelationIntegrationTests.decoded(try charm.relationData(clients))
        #expect(rotated["basic_password"] == "n3w-r3ad")
        print(
            "Rotation: update-secret with secret-changed \(Int(rotationSeconds * 1000)) ms, \(polled.pulls) pulls, 0 failed"
        )
    }
}

/// Pulls one manifest over and over from a port of the unit with an account, counting answers that are not 200.
final class CredentialedPoller {
    let port: Int
    let account: String
    let caPath: String
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("poll-\(UUID().uuidString)")
    private var process: Process?

    init(port: Int, account: String, caPath: String) {
        self.port = port
        self.account = account
        self.caPath = caPath
    }

    func start() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The account goes to curl through a config file, never argv.
        try "user = \"\(account)\"\n".write(
            to: directory.appendingPathComponent("curlrc"),
            atomically: true,
            encoding: .utf8
        )
        let script = """
            cd "$1"
            while [ ! -e stop ]; do
              code=$(curl -s -o /dev/null -w '%{http_code}' -K curlrc --cacert '\(caPath)' \
                -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                'https://127.0.0.1:\(port)/v2/accounts/busybox/manifests/test')
              echo "$code $(date +%T.%N)" >> answers
              sleep 0.02
            done
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "poller", directory.path]
        try process.run()
        self.process = process
    }

    func stop() -> (pulls: Int, failed: [String]) {
        FileManager.default.createFile(atPath: directory.appendingPathComponent("stop").path, contents: nil)
        process?.waitUntilExit()
        defer { try? FileManager.default.removeItem(at: directory) }
        let answers = ((try? String(contentsOf: directory.appendingPathComponent("answers"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
        return (answers.count, answers.filter { !$0.hasPrefix("200 ") })
    }
}
