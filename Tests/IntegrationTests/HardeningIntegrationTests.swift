import Foundation
import Testing

/// Issue 16 items 2 and 6 against the real dockerd: TLS paths that would overwrite the charm's files are refused
/// before anything is written, and a directory dockerd made in place of a deleted file heals.
@Suite("Hardening against the real dockerd", .serialized, .enabled(if: CharmUnderTest.enabled))
struct HardeningIntegrationTests {
    static let base = "http://127.0.0.1:5000"

    @Test("with TLS blobs and basic auth, a TLS path onto the charm's files blocks and writes nothing")
    func tlsPathsOntoOwnFiles() throws {
        let pki = try EasyRSA.make()
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy([
            "tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64,
            "auth-basic-user": "alice", "auth-basic-password": "it-pass-1",
        ])
        let ready = "Ready at 127.0.0.1:5000 (https)."
        try #require(try charm.unitStatus().message == ready)
        let id = try charm.containerID()
        let before = ReliabilityBadConfigTests.snapshot()
        for (option, path) in [
            ("tls-key-path", "/etc/docker/registry/htpasswd"), ("tls-cert-path", "/etc/docker/registry/config.yml"),
            ("tls-key-path", "/some/dir/a:b.key"),
        ] {
            try charm.configure([option: path])
            let status = try charm.unitStatus()
            #expect(status.state == "blocked")
            #expect(status.message.hasPrefix("Invalid charm config: \(option)"), "\(status.message)")
            #expect(ReliabilityBadConfigTests.snapshot() == before, "\(option)=\(path) changed files")
            #expect(!FileManager.default.fileExists(atPath: "/some/dir"))
            #expect(try charm.containerID() == id)
            try charm.reset([option])
            #expect(try charm.unitStatus().message == ready)
        }
        // Logins still work with the password set at deploy.
        let login = try curl(
            "https://127.0.0.1:5000/v2/",
            extra: ["--cacert", pki.caPath],
            configLines: ["user = \"alice:it-pass-1\""]
        )
        #expect(login?.status == 200)
    }

    @Test(
        "a deleted file, then a container restart: the next hook removes dockerd's directory and the registry answers",
        arguments: ["/etc/docker/registry/config.yml", "/etc/docker/registry/htpasswd"]
    )
    func deletedFileHeals(path: String) throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["auth-basic-user": "alice", "auth-basic-password": "it-pass-2"])
        try FileManager.default.removeItem(atPath: path)
        _ = try shell("docker", ["restart", "registry"])
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)

        try charm.hook("config-changed")
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        let answered = try eventually {
            try curl("\(Self.base)/v2/", configLines: ["user = \"alice:it-pass-2\""])?.status == 200
        }
        #expect(answered)
    }

    @Test("update-status alone heals a deleted config.yml")
    func updateStatusHeals() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let path = "/etc/docker/registry/config.yml"
        try FileManager.default.removeItem(atPath: path)
        _ = try shell("docker", ["restart", "registry"])
        try charm.hook("update-status")
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue)
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
        #expect(try eventually { try curl("\(Self.base)/v2/")?.status == 200 })
    }
}
