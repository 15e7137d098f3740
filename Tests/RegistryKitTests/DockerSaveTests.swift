import Foundation
import RegistryKit
import SystemLibraries
import Testing

/// `docker save` tars of docker before 25, for which ``ArchiveSource`` makes OCI image manifests.
@Suite("docker save archives")
struct DockerSaveTests {
    let connection: HTTPConnection

    init() throws {
        connection = try HTTPConnection()
    }

    @Test("images are named by RepoTags and get OCI manifests of their config and layers, linked layers followed")
    func handWritten() throws {
        let root = try Fixtures.directory("save")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let saved = try DockerSaveFixture.make(
            first: ["busybox:1.36", "localhost:5000/tools/busybox:test"],
            second: ["quay.io/calico/node:v3.28.0"]
        )
        try Fixtures.write(saved.tar, to: root + "/images.tar")
        let source = try ArchiveSource(path: root + "/images.tar")
        #expect(source.format == .dockerSave)
        let images = try source.images()
        #expect(
            images.map(\.description).map { $0.split(separator: "@")[0] } == [
                "library/busybox:1.36", "tools/busybox:test", "calico/node:v3.28.0",
            ]
        )
        #expect(images[0].digest == images[1].digest)

        let document = try #require(try source.manifest("calico/node", images[2].digest, on: connection))
        #expect(document.digest == images[2].digest)
        #expect(document.mediaType == MediaTypes.ociManifest)
        let expected = [
            Descriptor(
                mediaType: MediaTypes.ociConfig,
                digest: Fixtures.digest(saved.configs[1]),
                size: saved.configs[1].count
            ),
            Descriptor(
                mediaType: MediaTypes.ociLayer,
                digest: Fixtures.digest(saved.layers[1]),
                size: saved.layers[1].count
            ),
            Descriptor(
                mediaType: MediaTypes.ociLayer,
                digest: Fixtures.digest(saved.layers[2]),
                size: saved.layers[2].count
            ),
        ]
        #expect(document.blobs == expected)
        let text = String(decoding: document.bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"config":{"digest":"sha256:"#))
        #expect(text.contains(#""schemaVersion":2"#) && !text.contains(#"\/"#))
        for (blob, bytes) in zip(expected, [saved.configs[1], saved.layers[1], saved.layers[2]]) {
            let drained = BlobDrain(
                try source.openBlob("calico/node", blob, counting: MirrorProgress(), on: connection)
            )
            #expect(drained.failure == nil && drained.closeFailure == nil)
            #expect(drained.bytes == bytes)
        }
        #expect(try source.resolve("library/busybox", "1.36", on: connection) == images[0].digest)
        #expect(try source.resolve("tools/busybox", "test", on: connection) == images[0].digest)
        #expect(try source.resolve("calico/node", images[2].digest, on: connection) == images[2].digest)
        #expect(try source.attachmentTags("calico/node", on: connection).isEmpty)

        // The made manifest's digest is the same whenever the archive is opened.
        #expect(try ArchiveSource(path: root + "/images.tar").images() == images)
    }

    @Test("an image saved without tags is the file name's repository, by digest")
    func untagged() throws {
        let root = try Fixtures.directory("untagged")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let saved = try DockerSaveFixture.make(first: nil, second: ["nginx:1.27"])
        try Fixtures.write(saved.tar, to: root + "/Saved-Images.tar")
        let images = try ArchiveSource(path: root + "/Saved-Images.tar").images()
        #expect(images.map(\.repository) == ["saved-images", "library/nginx"])
        #expect(images.map(\.tag) == [nil, "1.27"])
    }

    @Test(
        "a real docker save: the config's digest is the image ID and the layer's is its diff ID",
        .enabled(if: Fixtures.dockerRuns)
    )
    func realDockerSave() throws {
        let inspect = try Fixtures.run(
            Fixtures.dockerPath,
            ["image", "inspect", "--format", "{{.Id}}{{range .RootFS.Layers}} {{.}}{{end}}", "localhost/busybox:test"]
        )
        try #require(inspect.status == 0, "no localhost/busybox:test image: \(inspect.output)")
        let fields = inspect.output.split(whereSeparator: \.isWhitespace).map(String.init)
        let root = try Fixtures.directory("docker")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let save = try Fixtures.run(
            Fixtures.dockerPath,
            ["save", "-o", root + "/busybox.tar", "localhost/busybox:test"]
        )
        try #require(save.status == 0, "docker save failed: \(save.output)")

        let source = try ArchiveSource(path: root + "/busybox.tar")
        let images = try source.images()
        try #require(images.count == 1)
        #expect(images[0].repository == "busybox" && images[0].tag == "test")
        let document = try #require(try source.manifest("busybox", images[0].digest, on: connection))
        #expect(document.blobs.map(\.digest) == fields)
        for blob in document.blobs {
            let drained = BlobDrain(
                try source.openBlob("busybox", blob, counting: MirrorProgress(), on: connection),
                keepBytes: false
            )
            #expect(drained.failure == nil && drained.closeFailure == nil)
            #expect(drained.handed == blob.size)
        }
    }
}
