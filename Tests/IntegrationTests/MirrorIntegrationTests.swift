import Foundation
import RegistryKitTesting
import Testing

/// `mirror` end to end: charm-sim runs the action on a deployed unit; the upstream is a second real registry over
/// https (its private CA added to the system trust store) behind basic auth; skopeo and docker judge the result.
@Suite("mirror into the registry", .serialized, .enabled(if: CharmUnderTest.enabled))
struct MirrorIntegrationTests {
    static let netloc = "127.0.0.1:5000"
    static let caPath = "/usr/local/share/ca-certificates/charm-mirror-test.crt"

    /// The upstream: https with a private CA the system trusts, basic auth, holding a single-platform image with a
    /// cosign-style signature, a two-platform index, an image per architecture, and the busybox the tests run.
    final class Upstream {
        let certificates: TestCertificates
        let registry: LocalRegistry
        let layout: TestLayout
        let app: [String: Any]
        let multi: [String: Any]

        init() throws {
            certificates = try TestCertificates.make()
            try FileManager.default.copyItem(atPath: certificates.caCertificate, toPath: MirrorIntegrationTests.caPath)
            _ = try shell("update-ca-certificates", [])
            registry = try LocalRegistry(tls: certificates, credentials: ("puller", "upstream-pa55"))
            layout = try TestLayout()
            app = try layout.pushSignedImage("1", layerSize: 500_000, to: registry, as: "team/app")
            multi = try layout.pushTwoPlatformIndex("2.0", layerSize: 200_000, to: registry, as: "library/multi")
            for architecture in ["amd64", "arm64"] {
                try layout.tag(try layout.image(layers: 1, layerSize: 10_000, architecture: architecture), architecture)
                try layout.push(architecture, to: registry, as: "cdk/pause-\(architecture)", destinationTag: "3.10")
            }
            let copied = try shell(
                "skopeo",
                ["copy", "--quiet"] + registry.skopeoFlags("dest")
                    + ["docker-daemon:\(CharmUnderTest.busyboxImage)", "docker://\(registry.address)/tools/busybox:1"]
            )
            guard copied.succeeded else { throw TestFailure("skopeo copy: \(copied.stderr)") }
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: MirrorIntegrationTests.caPath)
            _ = try? shell("update-ca-certificates", ["--fresh"])
        }
    }

    /// The manifest bytes skopeo reads from the charm's registry.
    func mirrored(_ reference: String) -> [UInt8]? {
        guard
            let answer = try? shell(
                "skopeo",
                ["inspect", "--raw", "--tls-verify=false", "docker://\(Self.netloc)/\(reference)"]
            ),
            answer.succeeded
        else { return nil }
        return Array(answer.stdout.utf8)
    }

    func grantedSecret(_ charm: CharmUnderTest, _ content: [String]) throws -> String {
        let added = try charm.sim(["add-secret", "upstream-\(UUID().uuidString.prefix(6).lowercased())"] + content)
        let uri = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(uri.hasPrefix("secret:"), "\(added.stdout) \(added.stderr)")
        try charm.sim(["grant-secret", uri, "docker-registry"])
        return uri
    }

    @Test(
        "copies every platform, signatures and a pullable image with the secret's credentials; a second run copies nothing"
    )
    func mirrorFromAPrivateUpstream() throws {
        let upstream = try Upstream()
        defer { upstream.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        // Names only this run uses: the registry's storage outlives a test.
        let prefix = "up-\(UUID().uuidString.prefix(6).lowercased())"
        let address = upstream.registry.address
        let images =
            "\(address)/team/app:1 \(address)/library/multi:2.0\n\(address)/tools/busybox:1 \(address)/team/gone:1"

        let refused = try charm.action("mirror", ["images": images, "prefix": prefix])
        #expect(refused.status == "failed")
        #expect(refused.message == "4 of 4 images could not be mirrored; the failures result says why.")
        #expect(refused.result("failures")?.contains("needs credentials") == true, "\(refused.raw)")

        let secret = try grantedSecret(charm, ["username=puller", "password=upstream-pa55"])
        let run = try charm.action("mirror", ["images": images, "prefix": prefix, "secret": secret])
        #expect(run.status == "failed", "\(run.raw)")
        #expect(run.result("copied") == "3")
        #expect(run.result("failed") == "1")
        #expect(run.result("failures") == "\(address)/team/gone:1: the image was not found")
        #expect(!run.raw.contains("upstream-pa55"), "the password never reaches the action's output")
        for (source, copy) in [
            ("team/app:1", "\(prefix)/team/app:1"), ("library/multi:2.0", "\(prefix)/library/multi:2.0"),
            ("tools/busybox:1", "\(prefix)/tools/busybox:1"),
        ] {
            #expect(mirrored(copy) != nil && mirrored(copy) == upstream.registry.rawManifest(source), "\(copy)")
        }
        let signature = "sha256-\(TestLayout.digest(upstream.app).dropFirst(7)).sig"
        #expect(mirrored("\(prefix)/team/app:\(signature)") == upstream.registry.rawManifest("team/app:\(signature)"))
        let platforms = TestLayout.digests("manifests", in: try #require(mirrored("\(prefix)/library/multi:2.0")))
        #expect(platforms.count == 2)
        for platform in platforms {
            #expect(mirrored("\(prefix)/library/multi@\(platform)") != nil)
        }
        let pulled = try shell("docker", ["pull", "-q", "\(Self.netloc)/\(prefix)/tools/busybox:1"])
        #expect(pulled.succeeded, "\(pulled.stderr)")
        _ = try? shell("docker", ["rmi", "\(Self.netloc)/\(prefix)/tools/busybox:1"])

        let again = try charm.action("mirror", ["images": images, "prefix": prefix, "secret": secret])
        #expect(again.result("copied") == "0")
        #expect(again.result("skipped") == "3")
        #expect(again.result("bytes") == "0")
    }

    @Test("a container-images.txt with {{ arch }} copies the lines its keys pick, once per architecture")
    func containerImagesFile() throws {
        let upstream = try Upstream()
        defer { upstream.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let secret = try grantedSecret(
            charm,
            ["username=puller", "password=upstream-pa55", "registry=\(upstream.registry.address)"]
        )
        let address = upstream.registry.address
        let file = NSTemporaryDirectory() + "container-images-\(UUID().uuidString.prefix(6)).txt"
        try """
        v1.31-static: \(address)/cdk/pause-{{ arch }}:3.10 \(address)/team/app:1{{ multiarch_workaround }}
        v1.31-upstream: \(address)/library/multi:2.0
        v1.30-static: \(address)/team/absent:1

        """.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }

        let prefix = "ck-\(UUID().uuidString.prefix(6).lowercased())"
        let run = try charm.action(
            "mirror",
            [
                "file": file, "keys": "v1.31-static", "arches": "amd64 arm64", "secret": secret, "signatures": "false",
                "prefix": prefix,
            ]
        )
        #expect(run.status == "completed", "\(run.raw)")
        #expect(run.result("copied") == "3")
        #expect(mirrored("\(prefix)/cdk/pause-amd64:3.10") != nil)
        #expect(mirrored("\(prefix)/cdk/pause-arm64:3.10") != nil)
        #expect(mirrored("\(prefix)/team/app:1") != nil)
        #expect(mirrored("\(prefix)/library/multi:2.0") == nil, "a key not asked for is not copied")

        let unknown = try charm.action("mirror", ["file": file, "keys": "v9-static"])
        #expect(unknown.status == "failed")
        #expect(unknown.message?.contains("v9-static") == true, "\(unknown.raw)")
    }

    @Test("archives made by docker save and skopeo (oci-archive) are imported and pull")
    func archives() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let directory = NSTemporaryDirectory() + "mirror-archives-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let prefix = "offline-\(UUID().uuidString.prefix(6).lowercased())"
        let saved = try shell("docker", ["save", "-o", "\(directory)/saved.tar", CharmUnderTest.busyboxImage])
        #expect(saved.succeeded, "\(saved.stderr)")
        let oci = try shell(
            "skopeo",
            [
                "copy", "--quiet", "docker-daemon:\(CharmUnderTest.busyboxImage)",
                "oci-archive:\(directory)/oci.tar:tools/box:oci",
            ]
        )
        #expect(oci.succeeded, "\(oci.stderr)")

        let fromDocker = try charm.action("mirror", ["archive": "\(directory)/saved.tar", "prefix": prefix])
        #expect(fromDocker.status == "completed", "\(fromDocker.raw)")
        #expect(fromDocker.result("copied") == "1")
        let fromOCI = try charm.action("mirror", ["archive": "\(directory)/oci.tar", "prefix": prefix])
        #expect(fromOCI.status == "completed", "\(fromOCI.raw)")
        #expect(fromOCI.result("copied") == "1")
        for reference in ["\(prefix)/busybox:test", "\(prefix)/tools/box:oci"] {
            let pulled = try shell("docker", ["pull", "-q", "\(Self.netloc)/\(reference)"])
            #expect(pulled.succeeded, "\(reference): \(pulled.stderr)")
            _ = try? shell("docker", ["rmi", "\(Self.netloc)/\(reference)"])
        }
        let again = try charm.action("mirror", ["archive": "\(directory)/oci.tar", "prefix": prefix])
        #expect(again.result("skipped") == "1")
    }

    @Test("a run killed part-way resumes: the second run sends only what the first did not")
    func interruptedRunResumes() throws {
        let upstream = try Upstream()
        defer { upstream.remove() }
        let layerSize = 40_000_000
        let big = try upstream.layout.image(layers: 3, layerSize: layerSize)
        try upstream.layout.tag(big, "big")
        try upstream.layout.push("big", to: upstream.registry, as: "team/big")
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let secret = try grantedSecret(charm, ["username=puller", "password=upstream-pa55"])
        let image = "\(upstream.registry.address)/team/big:big"
        let prefix = "resume-\(UUID().uuidString.prefix(6).lowercased())"
        let store = "/srv/registry/docker/registry/v2/repositories/\(prefix)/team/big/_layers/sha256"
        let arguments = ["run", "mirror", "images=\(image)", "secret=\(secret)", "concurrency=1", "prefix=\(prefix)"]
        let killed = try charm.killHook(arguments) {
            ((try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []).count >= 2
        }
        #expect(killed, "the hook was killed after some layers were stored")
        #expect(mirrored("\(prefix)/team/big:big") == nil)
        let resumed = try charm.action("mirror", ["images": image, "secret": secret, "prefix": prefix])
        #expect(resumed.status == "completed", "\(resumed.raw)")
        let sent = Int(resumed.result("bytes") ?? "") ?? 0
        #expect(sent > 0 && sent <= 2 * layerSize + 10_000, "resent \(sent) bytes")
        #expect(mirrored("\(prefix)/team/big:big") == upstream.registry.rawManifest("team/big:big"))
    }
}
