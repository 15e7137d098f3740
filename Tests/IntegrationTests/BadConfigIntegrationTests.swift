import Foundation
import Testing

/// One invalid setting per validation rule: the unit blocks naming the option while the registry keeps serving.
@Suite("Bad config keeps the registry serving", .serialized, .enabled(if: CharmUnderTest.enabled))
struct BadConfigIntegrationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var settings: [String: String]
        var option: String
        var testDescription: String { settings.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(settings: ["registry-port": "0"], option: "registry-port"),
        Case(settings: ["registry-port": "70000"], option: "registry-port"),
        Case(settings: ["debug-port": "5000"], option: "debug-port"),
        Case(settings: ["log-level": "loud"], option: "log-level"),
        Case(settings: ["storage-cache": "redis"], option: "storage-cache"),
        Case(settings: ["docker_runtime": "podman"], option: "docker_runtime"),
        Case(settings: ["package_status": "purge"], option: "package_status"),
        Case(settings: ["tls-cert-blob": "%%%not-base64"], option: "tls-cert-blob"),
        Case(settings: ["tls-key-blob": "bm90IGEga2V5"], option: "tls-key-blob"),
        Case(settings: ["auth-token-issuer": "issuer"], option: "auth-token"),
        Case(
            settings: [
                "auth-basic-password": "pw", "auth-token-issuer": "i", "auth-token-realm": "https://auth.example/token",
                "auth-token-service": "s", "auth-token-root-certs": "bm8=",
            ],
            option: "auth"
        ),
        Case(settings: ["storage-swift-authurl": "https://keystone.example/v3"], option: "storage-swift"),
        Case(settings: ["storage-s3-region": "us-east-1"], option: "storage-s3-bucket"),
        Case(settings: ["http-host": "not a url"], option: "http-host"),
        Case(settings: ["cache-remoteurl": "ftp://mirror.example"], option: "cache-remoteurl"),
        Case(settings: ["registry-http-proxy": "proxy:3128 x"], option: "registry-http-proxy"),
        Case(settings: ["registry-image": "UPPER/Case:1"], option: "registry-image"),
        Case(settings: ["registry-name": "bad name!"], option: "registry-name"),
        Case(settings: ["daemon-opts": "{not json"], option: "daemon-opts"),
    ]

    @Test("blocked with the option named; the previous registry still answers", arguments: cases)
    func rejected(_ bad: Case) throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let id = try charm.containerID()
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        try charm.configure(bad.settings)
        let status = try charm.unitStatus()
        #expect(status.state == "blocked")
        #expect(status.message.hasPrefix("Invalid charm config: "))
        #expect(status.message.contains(bad.option), "\(status.message)")
        #expect(try curl("http://127.0.0.1:5000/v2/")?.status == 200)
        #expect(try charm.containerID() == id)
        #expect(try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8) == config)
        // Back to the deployed settings: the test image, every other option at its default.
        try charm.reset(bad.settings.keys.filter { $0 != "registry-image" })
        if bad.settings["registry-image"] != nil {
            try charm.configure(["registry-image": CharmUnderTest.registryImage])
        }
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http).")
    }
}
