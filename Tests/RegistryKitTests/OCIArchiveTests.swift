import Foundation
import RegistryKit
import SystemLibraries
import Testing

/// OCI image layouts, as directories and as tars (`skopeo copy … oci-archive:`), read by ``ArchiveSource``.
@Suite("OCI layouts and archives")
struct OCIArchiveTests {
    let connection: HTTPConnection

    init() throws {
        connection = try HTTPConnection()
    }

    @Test("a layout directory lists its images by annotation, and serves checked manifests and blobs")
    func layoutDirectory() throws {
        let root = try Fixtures.directory("layout")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/Calico_Node.oci")
        let tagged = try layout.addImage(annotations: ["org.opencontainers.image.ref.name": "v3.28.0"])
        let named = try layout.addImage(annotations: [
            "io.containerd.image.name": "quay.io/tigera/operator:v1.34.0",
            "org.opencontainers.image.ref.name": "v1.34.0",
        ])
        let referenced = try layout.addImage(annotations: ["org.opencontainers.image.ref.name": "busybox:1.36"])
        let unnamed = try layout.addImage(annotations: [:])
        let signature = "sha256-" + tagged.manifestDigest.dropFirst(7) + ".sig"
        let signed = try layout.addImage(annotations: ["org.opencontainers.image.ref.name": signature])

        let source = try ArchiveSource(path: root + "/Calico_Node.oci/")
        #expect(source.format == .ociLayout)
        #expect(source.fallbackRepository == "calico_node")
        #expect(
            try source.images() == [
                ArchiveImage(repository: "calico_node", tag: "v3.28.0", digest: tagged.manifestDigest),
                ArchiveImage(repository: "tigera/operator", tag: "v1.34.0", digest: named.manifestDigest),
                ArchiveImage(repository: "library/busybox", tag: "1.36", digest: referenced.manifestDigest),
                ArchiveImage(repository: "calico_node", tag: nil, digest: unnamed.manifestDigest),
            ]
        )
        #expect(try source.resolve("calico_node", "v3.28.0", on: connection) == tagged.manifestDigest)
        #expect(try source.resolve("tigera/operator", "v1.34.0", on: connection) == named.manifestDigest)
        #expect(try source.resolve("tigera/operator", "v3.28.0", on: connection) == nil)
        #expect(try source.resolve("any", unnamed.manifestDigest, on: connection) == unnamed.manifestDigest)
        #expect(try source.resolve("any", Fixtures.digest([1, 2, 3]), on: connection) == nil)
        #expect(try source.attachmentTags("calico_node", on: connection) == [signature])
        #expect(try source.resolve("calico_node", signature, on: connection) == signed.manifestDigest)
        #expect(try source.referrers("calico_node", tagged.manifestDigest, on: connection) == nil)

        let document = try #require(try source.manifest("calico_node", tagged.manifestDigest, on: connection))
        #expect(document.bytes == tagged.manifest)
        #expect(document.mediaType == MediaTypes.ociManifest)
        #expect(document.blobs.count == 3)
        #expect(try source.manifest("calico_node", Fixtures.digest([9]), on: connection) == nil)
        for (blob, expected) in zip(document.blobs, [tagged.config] + tagged.layers) {
            let drained = BlobDrain(
                try source.openBlob("calico_node", blob, counting: MirrorProgress(), on: connection)
            )
            #expect(drained.failure == nil && drained.closeFailure == nil)
            #expect(drained.bytes == expected)
        }
    }

    @Test("a blob is read a mebibyte at most at a time, and counted")
    func chunks() throws {
        let root = try Fixtures.directory("chunks")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/big")
        let image = try layout.addImage(annotations: [:], layerSizes: [(5 << 20) + 123])
        let source = try ArchiveSource(path: layout.path)
        let layer = Descriptor(
            mediaType: MediaTypes.ociLayer,
            digest: Fixtures.digest(image.layers[0]),
            size: image.layers[0].count
        )
        let progress = MirrorProgress()
        let drained = BlobDrain(
            try source.openBlob("big", layer, counting: progress, on: connection),
            bufferSize: 8 << 20
        )
        #expect(drained.failure == nil)
        #expect(drained.largestRead == 1 << 20)
        #expect(drained.bytes == image.layers[0])
        #expect(progress.bytesSent == image.layers[0].count)
    }

    @Test(
        "skopeo's oci-archive tars are read: names as skopeo writes them, manifests and blobs checked",
        .enabled(if: Fixtures.exists("/usr/bin/skopeo"))
    )
    func skopeoArchive() throws {
        let root = try Fixtures.directory("skopeo")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/layout")
        let image = try layout.addImage(annotations: ["org.opencontainers.image.ref.name": "1.0"])
        let copies = [
            ("short.tar", "1.0", ArchiveImage(repository: "short", tag: "1.0", digest: "")),
            ("named.tar", "busybox:1.0", ArchiveImage(repository: "library/busybox", tag: "1.0", digest: "")),
            ("full.tar", "quay.io/a/b:1.0", ArchiveImage(repository: "a/b", tag: "1.0", digest: "")),
        ]
        for (file, name, expected) in copies {
            // skopeo gzips the uncompressed layers on the way, as it does by default.
            let copy = try Fixtures.run(
                "/usr/bin/skopeo",
                ["--insecure-policy", "copy", "oci:\(layout.path):1.0", "oci-archive:\(root)/\(file):\(name)"]
            )
            try #require(copy.status == 0, "skopeo failed: \(copy.output)")
            let source = try ArchiveSource(path: "\(root)/\(file)")
            #expect(source.format == .ociArchive)
            let images = try source.images()
            try #require(images.count == 1)
            #expect(images[0].repository == expected.repository && images[0].tag == expected.tag)
            #expect(try source.resolve(expected.repository, "1.0", on: connection) == images[0].digest)
            let document = try #require(try source.manifest(expected.repository, images[0].digest, on: connection))
            #expect(
                document.blobs.map(\.mediaType) == [
                    MediaTypes.ociConfig, MediaTypes.ociLayerGzip, MediaTypes.ociLayerGzip,
                ]
            )
            for blob in document.blobs {
                let reader = try source.openBlob(expected.repository, blob, counting: MirrorProgress(), on: connection)
                let drained = BlobDrain(reader)
                #expect(drained.failure == nil && drained.closeFailure == nil)
                #expect(drained.bytes.count == blob.size)
            }
        }

        // With digests preserved, the archive serves the layout's very bytes.
        let copy = try Fixtures.run(
            "/usr/bin/skopeo",
            [
                "--insecure-policy", "copy", "--preserve-digests", "oci:\(layout.path):1.0",
                "oci-archive:\(root)/same.tar:2.0",
            ]
        )
        try #require(copy.status == 0, "skopeo failed: \(copy.output)")
        let source = try ArchiveSource(path: "\(root)/same.tar")
        #expect(try source.images() == [ArchiveImage(repository: "same", tag: "2.0", digest: image.manifestDigest)])
        let document = try #require(try source.manifest("same", image.manifestDigest, on: connection))
        #expect(document.bytes == image.manifest)
        for (blob, bytes) in zip(document.blobs, [image.config] + image.layers) {
            let drained = BlobDrain(try source.openBlob("same", blob, counting: MirrorProgress(), on: connection))
            #expect(drained.failure == nil && drained.closeFailure == nil)
            #expect(drained.bytes == bytes)
        }
    }

    @Test(
        "docker 25's save (an OCI layout with a manifest.json) is read through its index.json",
        .enabled(if: Fixtures.exists("/usr/bin/tar"))
    )
    func dockerSaveOCI() throws {
        let root = try Fixtures.directory("docker25")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/save")
        let image = try layout.addImage(annotations: [
            "io.containerd.image.name": "docker.io/library/busybox:1.37",
            "org.opencontainers.image.ref.name": "1.37",
        ])
        let layers = image.layers.map { "blobs/sha256/" + Fixtures.digest($0).dropFirst(7) }
        let listing = try Fixtures.json([
            [
                "Config": "blobs/sha256/" + Fixtures.digest(image.config).dropFirst(7),
                "RepoTags": ["busybox:1.37"], "Layers": layers,
            ]
        ])
        try Fixtures.write(listing, to: layout.path + "/manifest.json")
        let made = try Fixtures.run("/usr/bin/tar", ["-C", layout.path, "-cf", root + "/busybox.tar", "."])
        try #require(made.status == 0, "\(made.output)")
        let source = try ArchiveSource(path: root + "/busybox.tar")
        #expect(source.format == .ociArchive)
        #expect(
            try source.images() == [
                ArchiveImage(repository: "library/busybox", tag: "1.37", digest: image.manifestDigest)
            ]
        )
        let document = try #require(try source.manifest("library/busybox", image.manifestDigest, on: connection))
        #expect(document.bytes == image.manifest)
    }

    @Test("a name in index.json that is neither a tag nor a reference is refused, naming it")
    func badName() throws {
        let root = try Fixtures.directory("badname")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/x")
        try layout.addImage(annotations: ["org.opencontainers.image.ref.name": "-not a tag"])
        let source = try ArchiveSource(path: layout.path)
        #expect(
            throws: MirrorError.archive(
                path: layout.path,
                reason: "index.json names an image -not a tag, which is neither a tag nor a reference"
            )
        ) {
            try source.images()
        }
    }

    @Test(
        "file names become valid repositories",
        arguments: [
            ("/srv/busybox.tar", "busybox"), ("/srv/Calico Node-3.28.oci.tar", "calico-node-3.28"),
            ("images/k8s__pause..x.tar", "k8s__pause-x"), ("/srv/---.tar", "image"), ("my.image.TAR", "my.image"),
            ("/srv/layout/", "layout"),
        ]
    )
    func fallbackNames(path: String, repository: String) throws {
        let root = try Fixtures.directory("names")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = root + "/" + (path.split(separator: "/").last.map(String.init) ?? "x")
        _ = try OCILayoutFixture(at: target)
        try Fixtures.write(Array(#"{"schemaVersion":2,"manifests":[]}"#.utf8), to: target + "/index.json")
        #expect(try ArchiveSource(path: target).fallbackRepository == repository)
    }
}
