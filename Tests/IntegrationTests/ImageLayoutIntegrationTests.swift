import Foundation
import Testing

/// The config the charm renders is the config served, on every image layout.
///
/// The layouts: the plain test image (entrypoint: the
/// registry binary), one laid out like the official registry:2 (entrypoint script, config at
/// `/etc/docker/registry/config.yml`) and one laid out like registry:3 (config at `/etc/distribution/config.yml`,
/// `registry --version` answering v3.1.1). `skopeo` is the independent client.
@Suite("Image layouts: registry:2, registry:3 and a plain image", .serialized, .enabled(if: CharmUnderTest.enabled))
struct ImageLayoutIntegrationTests {
    static let environment = ProcessInfo.processInfo.environment
    static let v2Image = environment["REGISTRY_V2_IMAGE"] ?? "localhost/registry:2-layout"
    static let v3Image = environment["REGISTRY_V3_IMAGE"] ?? "localhost/registry:3-layout"
    static let origin = "https://127.0.0.1:5000"

    /// Each layout and the workload version the unit must show for it.
    static let layouts: [(image: String, version: String)] = [
        (CharmUnderTest.registryImage, "2.8.2+ds1"), (v2Image, "2.8.2+ds1"), (v3Image, "3.1.1"),
    ]

    /// A directory skopeo reads a CA from (`--cert-dir`), holding the easy-rsa CA the charm was never given.
    static func certDirectory(_ pki: EasyRSA) throws -> String {
        let directory = pki.directory.appendingPathComponent("skopeo-certs").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: pki.caPath, toPath: directory + "/ca.crt")
        return directory
    }

    /// `skopeo copy` of the local busybox image to `reference` on the unit's registry, with `credentials`.
    static func push(_ reference: String, credentials: String, certDirectory: String) throws -> ProcessOutput {
        try shell(
            "skopeo",
            [
                "copy", "--quiet", "--dest-creds", credentials, "--dest-cert-dir", certDirectory,
                "docker-daemon:\(CharmUnderTest.busyboxImage)", "docker://127.0.0.1:5000/\(reference)",
            ]
        )
    }

    /// `skopeo inspect` of `reference` (a pull of its manifest and config), with `credentials`.
    static func inspect(_ reference: String, credentials: String?, certDirectory: String) throws -> ProcessOutput {
        var arguments = ["inspect", "--cert-dir", certDirectory]
        arguments += credentials.map { ["--creds", $0] } ?? ["--no-creds"]
        return try shell("skopeo", arguments + ["docker://127.0.0.1:5000/\(reference)"])
    }

    /// The workload version the sim shows for the application.
    static func workloadVersion(_ charm: CharmUnderTest) throws -> String {
        let output = try charm.sim(["status", "--format", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return (json?["application"] as? [String: Any])?["version"] as? String ?? ""
    }

    @Test(
        "TLS from blobs without a CA and basic auth are served as configured; skopeo pushes and pulls; list, delete and garbage-collect work",
        arguments: layouts.map(\.image)
    )
    func servedAsConfigured(image: String) throws {
        let expectedVersion = try #require(Self.layouts.first { $0.image == image }?.version)
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let certs = try Self.certDirectory(pki)
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let password = "layout-\(UUID().uuidString.prefix(8))"
        try charm.deploy([
            "registry-image": image, "auth-basic-user": "admin", "auth-basic-password": password,
            "tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64,
            "storage-delete": "true",
        ])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        #expect(try Self.workloadVersion(charm) == expectedVersion)
        // The container keeps the image's entrypoint and is told which file to serve.
        let command = try shell("docker", ["container", "inspect", "--format", "{{json .Config.Cmd}}", "registry"])
        #expect(
            command.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                == #"["serve","/etc/docker/registry/config.yml"]"#
        )

        // https with the certificate the charm serves, 401 without credentials; nothing served on plain http.
        let https = try shell(
            "curl",
            ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pki.caPath, "\(Self.origin)/v2/"]
        )
        #expect(https.stdout == "401")
        let authed = try shell(
            "curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", pki.caPath, "-u", "admin:\(password)",
                "\(Self.origin)/v2/",
            ]
        )
        #expect(authed.stdout == "200")
        let plain = try shell("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:5000/v2/"])
        #expect(plain.stdout != "200" && plain.stdout != "401", "plain http answered \(plain.stdout)")

        // skopeo, an independent client, pushes and pulls with the credentials and is refused without them.
        let pushed = try Self.push("layout/busybox:v1", credentials: "admin:\(password)", certDirectory: certs)
        #expect(pushed.succeeded, "\(pushed.stderr)")
        #expect(try Self.inspect("layout/busybox:v1", credentials: "admin:\(password)", certDirectory: certs).succeeded)
        #expect(!(try Self.inspect("layout/busybox:v1", credentials: nil, certDirectory: certs).succeeded))

        // The charm's own client trusts exactly what it serves (a certificate from a CA it was never given).
        let listed = try charm.action("list", ["repository": "layout/busybox"])
        #expect(listed.status == "completed", "\(listed.raw)")
        #expect(listed.result("output")?.contains("layout/busybox:v1") == true, "\(listed.raw)")
        let deleted = try charm.action("delete", ["image": "layout/busybox:v1"])
        #expect(deleted.status == "completed", "\(deleted.raw)")
        let collected = try charm.action("garbage-collect")
        #expect(collected.status == "completed", "\(collected.raw)")
        // The collector ran with the charm's configuration (the shared test storage keeps busybox's blobs in use
        // by other repositories, so how many it frees is not asserted); the deleted tag is gone for skopeo too.
        #expect(collected.result("output")?.contains("blobs marked") == true, "\(collected.raw)")
        #expect(
            !(try Self.inspect("layout/busybox:v1", credentials: "admin:\(password)", certDirectory: certs).succeeded)
        )
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        #expect(!(try charm.logText()).contains(password))
    }

    @Test(
        "registry:2 to registry:3 keeps every image, tag and the http secret, with TLS and auth from the first request"
    )
    func moveFromTwoToThree() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let certs = try Self.certDirectory(pki)
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let credentials = "mover:move-\(UUID().uuidString.prefix(8))"
        let parts = credentials.split(separator: ":").map(String.init)
        try charm.deploy([
            "registry-image": Self.v2Image, "auth-basic-user": parts[0], "auth-basic-password": parts[1],
            "tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64,
        ])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        #expect(try Self.push("move/busybox:kept", credentials: credentials, certDirectory: certs).succeeded)
        let before = try Self.inspect("move/busybox:kept", credentials: credentials, certDirectory: certs)
        let configBefore = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        let secret = try #require(Self.httpSecret(configBefore))

        try charm.configure(["registry-image": Self.v3Image])
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (https).")
        #expect(try Self.workloadVersion(charm) == "3.1.1")
        let image = try shell("docker", ["container", "inspect", "--format", "{{.Config.Image}}", "registry"])
        #expect(image.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == Self.v3Image)
        let after = try Self.inspect("move/busybox:kept", credentials: credentials, certDirectory: certs)
        #expect(after.succeeded, "\(after.stderr)")
        #expect(Self.digest(after.stdout) == Self.digest(before.stdout))
        #expect(!(try Self.inspect("move/busybox:kept", credentials: nil, certDirectory: certs).succeeded))
        let configAfter = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        #expect(Self.httpSecret(configAfter) == secret)
        let environment = try String(contentsOfFile: "/etc/docker/registry/registry.env", encoding: .utf8)
        #expect(environment.contains("OTEL_TRACES_EXPORTER=none"))
    }

    @Test("swift storage is refused on registry:3 while the registry:2 container keeps serving")
    func swiftRefusedOnThree() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["registry-image": Self.v2Image])
        let before = try charm.containerID()
        try charm.configure([
            "registry-image": Self.v3Image, "storage-swift-authurl": "http://127.0.0.1:1/auth/1.0",
            "storage-swift-username": "registry:swift", "storage-swift-password": "swift-key-x",
            "storage-swift-container": "registry",
        ])
        let status = try charm.unitStatus()
        #expect(status.state == "blocked")
        #expect(status.message.hasPrefix("Invalid charm config: storage-swift-authurl — "), "\(status.message)")
        #expect(status.message.contains("no swift storage driver"))
        #expect(try charm.containerID() == before)
        let served = try shell("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:5000/v2/"])
        #expect(served.stdout == "200")
        #expect(!(try charm.logText()).contains("swift-key-x"))
    }

    @Test("an image that cannot be pulled: blocked with the reason, logged once, one tool call per update-status")
    func unpullableImageIsQuiet() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let before = try charm.containerID()
        let missing = "127.0.0.1:1/nothing/registry:9"
        try charm.configure(["registry-image": missing])
        let blocked = try charm.unitStatus()
        #expect(blocked.state == "blocked")
        #expect(
            blocked.message.hasPrefix("Could not start registry: could not pull image '\(missing)'"),
            "\(blocked.message)"
        )
        #expect(try charm.containerID() == before)
        for _ in 0..<2 {
            try charm.hook("update-status")
            let calls = try charm.lastHookToolCalls().map { String($0.split(separator: " ")[0]) }
            #expect(calls == ["state-get", "config-get"], "\(calls)")
            #expect(try charm.unitStatus() == blocked)
        }
        let log = try charm.logText()
        #expect(log.components(separatedBy: "could not start the registry: could not pull image").count == 2)
    }

    /// `http.secret` in a rendered config.yml (JSON after a comment line).
    static func httpSecret(_ config: String) -> String? {
        let json = config.split(separator: "\n", maxSplits: 1).last.map(String.init) ?? ""
        let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (object?["http"] as? [String: Any])?["secret"] as? String
    }

    /// The manifest digest `skopeo inspect` printed.
    static func digest(_ output: String) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        return object?["Digest"] as? String
    }
}
