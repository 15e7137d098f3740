import Foundation
import RegistryKit
import RegistryKitTesting
import SystemLibraries
import Testing

/// The mirror between two real registries (Debian's distribution 2.8), judged by skopeo.
@Suite(.serialized, .enabled(if: LocalRegistry.available))
struct MirrorEngineTests {
    /// A source over https with a private CA and basic auth, holding a single-platform image with a cosign-style
    /// signature tag, a two-platform index with a referrer (a manifest whose `subject` is the index, listed under
    /// the referrers tag), and a destination over http.
    struct Fixture {
        let certificates: TestCertificates
        let upstream: LocalRegistry
        let destination: LocalRegistry
        let layout: TestLayout
        let app: [String: Any]
        let multi: [String: Any]
        let referrer: [String: Any]

        init() throws {
            certificates = try TestCertificates.make()
            upstream = try LocalRegistry(tls: certificates, credentials: ("puller", "s3cret-upstream"))
            destination = try LocalRegistry()
            layout = try TestLayout()
            app = try layout.pushSignedImage("1", layerSize: 300_000, to: upstream, as: "team/app")
            multi = try layout.pushTwoPlatformIndex("2.0", layerSize: 100_000, to: upstream, as: "library/multi")
            var subject = multi
            subject.removeValue(forKey: "platform")
            referrer = try layout.image(
                layers: 1,
                layerSize: 100,
                subject: subject,
                artifactType: "application/spdx+json"
            )
            var listed = referrer
            listed.removeValue(forKey: "platform")
            listed["artifactType"] = "application/spdx+json"
            let referrersTag = "sha256-\(TestLayout.digest(multi).dropFirst(7))"
            try layout.tag(try layout.index([listed]), referrersTag)
            try layout.push(referrersTag, to: upstream, as: "library/multi")
        }

        func source(credentials: Bool = true) throws -> RegistrySource {
            RegistrySource(
                RemoteRegistry(
                    host: RegistryHost(
                        name: upstream.address,
                        origin: upstream.origin,
                        tls: HTTPTLS(trustedPEM: try certificates.caPEM()),
                        credentials: credentials ? .init(username: "puller", password: "s3cret-upstream") : nil
                    )
                )
            )
        }

        func engine(signatures: Bool = true, dryRun: Bool = false) -> MirrorEngine {
            MirrorEngine(
                destination: RemoteRegistry(host: RegistryHost(name: destination.address, origin: destination.origin)),
                options: .init(concurrency: 3, signatures: signatures, dryRun: dryRun)
            )
        }

        func images(_ source: any ImageSource, _ references: [String]) throws -> [MirrorImage] {
            try references.map { reference in
                let image = try SourceImage(parsing: "\(upstream.address)/\(reference)")
                return MirrorImage(
                    source: source,
                    repository: image.repository,
                    reference: image.reference,
                    tag: image.tag,
                    destinationRepository: image.destinationRepository(prefix: "mirror"),
                    name: image.description
                )
            }
        }
    }

    @Test func copiesEveryPlatformByteForByteWithSignaturesAndReferrersAndAMissingImageFailsAlone() throws {
        let fixture = try Fixture()
        let source = try fixture.source()
        let report = fixture.engine().run(
            try fixture.images(source, ["team/app:1", "library/multi:2.0", "team/absent:9"])
        )

        #expect(report.copied == 2, "\(report.failures)")
        #expect(report.failed == 1)
        #expect(report.failures.count == 1)
        #expect(report.failures.first?.contains("team/absent:9") == true)
        #expect(report.failures.first?.contains("not found") == true)
        #expect(report.bytes >= 2 * 300_000 + 2 * 100_000)

        let upstream = fixture.upstream
        let destination = fixture.destination
        for (from, to) in [
            ("team/app:1", "mirror/team/app:1"), ("library/multi:2.0", "mirror/library/multi:2.0"),
        ] {
            let original = try #require(upstream.rawManifest(from))
            #expect(destination.rawManifest(to) == original, "\(to) differs from \(from)")
        }
        let platforms = TestLayout.digests(
            "manifests",
            in: try #require(destination.rawManifest("mirror/library/multi:2.0"))
        )
        #expect(platforms.count == 2)
        for digest in platforms {
            #expect(
                destination.rawManifest("mirror/library/multi@\(digest)")
                    == upstream.rawManifest("library/multi@\(digest)")
            )
        }
        let appHex = TestLayout.digest(fixture.app).dropFirst(7)
        let multiHex = TestLayout.digest(fixture.multi).dropFirst(7)
        #expect(
            destination.rawManifest("mirror/team/app:sha256-\(appHex).sig")
                == upstream.rawManifest("team/app:sha256-\(appHex).sig")
        )
        #expect(
            destination.rawManifest("mirror/library/multi:sha256-\(multiHex)")
                == upstream.rawManifest("library/multi:sha256-\(multiHex)")
        )
        let referrer = TestLayout.digest(fixture.referrer)
        #expect(destination.rawManifest("mirror/library/multi@\(referrer)") != nil)
    }

    @Test func aSecondRunCopiesNothingInTwoRequestsPerImage() throws {
        let fixture = try Fixture()
        let source = try fixture.source()
        let first = fixture.engine().run(try fixture.images(source, ["team/app:1", "library/multi:2.0"]))
        #expect(first.copied == 2)

        let plainSource = try fixture.source()
        let engine = fixture.engine(signatures: false)
        let again = engine.run(try fixture.images(plainSource, ["team/app:1", "library/multi:2.0"]))
        #expect(again.copied == 0)
        #expect(again.skipped == 2)
        #expect(again.bytes == 0)
        // Two per image (the manifest's digest at both ends) and one per registry (`GET /v2/`, for its challenge).
        #expect(plainSource.registry.requestCount + engine.destination.requestCount == 2 * 2 + 2)

        let signedSource = try fixture.source()
        let signedEngine = fixture.engine()
        let signed = signedEngine.run(try fixture.images(signedSource, ["team/app:1", "library/multi:2.0"]))
        #expect(signed.skipped == 2)
        #expect(signed.copied == 0)
        // Per image: the manifest at both ends, the repository's tag list, and one attachment tag at both ends; per
        // run: `GET /v2/` at each registry, and the referrers API probe that tells distribution 2.8 has none (twice
        // at most, when both workers ask at once).
        #expect(signedSource.registry.requestCount + signedEngine.destination.requestCount <= 2 * 5 + 2 + 2)
    }

    @Test func aPrivateUpstreamRefusesWithoutCredentials() throws {
        let fixture = try Fixture()
        let report = fixture.engine().run(try fixture.images(try fixture.source(credentials: false), ["team/app:1"]))
        #expect(report.failed == 1)
        #expect(report.failures.first?.contains("needs credentials") == true)
        #expect(fixture.destination.rawManifest("mirror/team/app:1") == nil)
    }

    @Test func aDryRunCountsTheBytesAndStoresNothing() throws {
        let fixture = try Fixture()
        let report = fixture.engine(dryRun: true).run(try fixture.images(try fixture.source(), ["team/app:1"]))
        #expect(report.copied == 1)
        #expect(report.bytes > 2 * 300_000)
        #expect(report.lines.first?.contains("would copy") == true)
        #expect(fixture.destination.rawManifest("mirror/team/app:1") == nil)
    }

    @Test func aBlobWhoseBytesDoNotMatchItsDigestIsNeverStored() throws {
        let fixture = try Fixture()
        // Corrupt one layer in the upstream's own storage: it serves the bytes without checking them.
        let manifest = try #require(fixture.upstream.rawManifest("team/app:1"))
        let layer = try #require(TestLayout.digests("layers", in: manifest).first)
        let hex = layer.dropFirst(7)
        let path = "\(fixture.upstream.directory)/store/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 1] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: path))

        let report = fixture.engine().run(try fixture.images(try fixture.source(), ["team/app:1"]))
        #expect(report.failed == 1)
        #expect(report.failures.first?.contains("has the digest") == true)
        let stored = try TestFiles.run(
            "/usr/bin/curl",
            [
                "-s", "-o", "/dev/null", "-w", "%{http_code}", "-I",
                "\(fixture.destination.origin)/v2/mirror/team/app/blobs/\(layer)",
            ]
        )
        #expect(String(decoding: stored.output, as: UTF8.self) == "404")
        #expect(fixture.destination.rawManifest("mirror/team/app:1") == nil)
    }

    @Test func aLoopbackRegistryWithoutTLSIsReadOverPlainHTTPAsDockerDoes() throws {
        let fixture = try Fixture()
        let plain = try LocalRegistry()
        try fixture.layout.push("1", to: plain, as: "team/app")
        let source = RegistrySource(RemoteRegistry(host: .named(plain.address)))
        let image = try SourceImage(parsing: "\(plain.address)/team/app:1")
        let report = fixture.engine(signatures: false).run([
            MirrorImage(
                source: source,
                repository: image.repository,
                reference: image.reference,
                tag: image.tag,
                destinationRepository: "plain/team/app",
                name: image.description
            )
        ])
        #expect(report.copied == 1, "\(report.failures)")
        #expect(source.registry.origin == "http://\(plain.address)")
        #expect(fixture.destination.rawManifest("plain/team/app:1") == plain.rawManifest("team/app:1"))
    }

    @Test func aTokenServiceUpstreamIsAnsweredWithTheCredentialsAndRefusedWithout() throws {
        let fixture = try Fixture()
        let service = try TokenService(credentials: ("robot", "t0ken-pass"))
        let upstream = try LocalRegistry(token: service)
        let pushed = try TestFiles.run(
            "/usr/bin/skopeo",
            ["copy", "--quiet"] + upstream.skopeoFlags("dest")
                + ["oci:\(fixture.layout.directory):1", "docker://\(upstream.address)/team/app:1"]
        )
        try #require(pushed.status == 0, "\(pushed.errorText)")
        func images(_ credentials: RegistryHost.Credentials?) -> [MirrorImage] {
            let host = RegistryHost(name: upstream.address, origin: upstream.origin, credentials: credentials)
            return [
                MirrorImage(
                    source: RegistrySource(RemoteRegistry(host: host)),
                    repository: "team/app",
                    reference: "1",
                    tag: "1",
                    destinationRepository: "token/team/app",
                    name: "\(upstream.address)/team/app:1"
                )
            ]
        }

        let anonymous = fixture.engine(signatures: false).run(images(nil))
        #expect(anonymous.failed == 1)
        #expect(anonymous.failures.first?.contains("needs credentials") == true, "\(anonymous.failures)")
        #expect(service.requests.contains { $0.hasPrefix("token anonymous") })

        let wrong = fixture.engine(signatures: false).run(images(.init(username: "robot", password: "nope")))
        #expect(wrong.failures.first?.contains("refused the credentials") == true, "\(wrong.failures)")

        let granted = fixture.engine(signatures: false).run(images(.init(username: "robot", password: "t0ken-pass")))
        #expect(granted.copied == 1, "\(granted.failures)")
        #expect(service.requests.contains { $0.hasPrefix("token granted") })
        let original = try #require(upstream.rawManifest("team/app:1"))
        #expect(fixture.destination.rawManifest("token/team/app:1") == original)
    }
}
