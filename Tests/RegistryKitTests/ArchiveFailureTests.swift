import Foundation
import RegistryKit
import SystemLibraries
import Testing

/// Archives that must be refused, each with a message naming what is wrong.
@Suite("Broken archives")
struct ArchiveFailureTests {
    let connection: HTTPConnection

    init() throws {
        connection = try HTTPConnection()
    }

    @Test("a corrupted blob is refused before its last bytes are handed over")
    func corruptedBlob() throws {
        let root = try Fixtures.directory("corrupt")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/layout")
        let image = try layout.addImage(annotations: ["org.opencontainers.image.ref.name": "1"], layerSizes: [3 << 20])
        var layer = image.layers[0]
        let digest = Fixtures.digest(layer)
        layer[layer.count / 2] ^= 0xff
        try Fixtures.write(layer, to: layout.blobPath(digest))

        let source = try ArchiveSource(path: layout.path)
        let descriptor = Descriptor(mediaType: MediaTypes.ociLayer, digest: digest, size: layer.count)
        let drained = BlobDrain(try source.openBlob("layout", descriptor, counting: MirrorProgress(), on: connection))
        let actual = Fixtures.digest(layer)
        #expect(drained.failure?.reason == "content of \(digest) has the digest \(actual)")
        #expect(drained.closeFailure == .digestMismatch(expected: digest, actual: actual))
        #expect(drained.bytes.count < layer.count)
    }

    @Test("a blob whose size is not the descriptor's is refused when opened")
    func wrongSize() throws {
        let root = try Fixtures.directory("size")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/layout")
        let image = try layout.addImage(annotations: [:], layerSizes: [1000])
        let digest = Fixtures.digest(image.layers[0])
        let descriptor = Descriptor(mediaType: MediaTypes.ociLayer, digest: digest, size: image.layers[0].count + 1)
        #expect(
            throws: MirrorError.archive(
                path: layout.path,
                reason:
                    "blob \(digest) is \(image.layers[0].count) bytes, not the \(descriptor.size) its descriptor gives"
            )
        ) {
            try source(layout).openBlob("layout", descriptor, counting: MirrorProgress(), on: connection)
        }
        let missing = Descriptor(mediaType: MediaTypes.ociLayer, digest: Fixtures.digest([7]), size: 1)
        #expect(throws: MirrorError.archive(path: layout.path, reason: "it holds no blob \(missing.digest)")) {
            try source(layout).openBlob("layout", missing, counting: MirrorProgress(), on: connection)
        }
    }

    @Test("a manifest whose bytes are not its digest's is refused")
    func corruptedManifest() throws {
        let root = try Fixtures.directory("manifest")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var layout = try OCILayoutFixture(at: root + "/layout")
        let image = try layout.addImage(annotations: [:])
        let changed =
            Array(String(decoding: image.manifest, as: UTF8.self).replacing("amd64", with: "arm64").utf8)
            + Array(" ".utf8)
        try Fixtures.write(changed, to: layout.blobPath(image.manifestDigest))
        #expect(throws: MirrorError.digestMismatch(expected: image.manifestDigest, actual: Fixtures.digest(changed))) {
            try source(layout).manifest("layout", image.manifestDigest, on: connection)
        }
    }

    @Test("a truncated tar is refused, saying so")
    func truncated() throws {
        let root = try Fixtures.directory("truncated")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let saved = try DockerSaveFixture.make(first: ["a:1"], second: ["b:1"])
        try Fixtures.write(Array(saved.tar.prefix(4000)), to: root + "/cut.tar")
        #expect {
            try ArchiveSource(path: root + "/cut.tar")
        } throws: { error in
            guard case .archive(let path, let reason) = error as? MirrorError else { return false }
            return path == root + "/cut.tar" && reason.contains("is cut short") && reason.contains("truncated")
        }
        // Cut at a header: the end-of-archive block is missing.
        try Fixtures.write(Array(saved.tar.prefix(1536)), to: root + "/boundary.tar")
        #expect {
            try ArchiveSource(path: root + "/boundary.tar")
        } throws: { error in
            guard case .archive(_, let reason) = error as? MirrorError else { return false }
            return reason.hasPrefix("it ends at offset 1536 after member ")
                && reason.contains("without the end-of-archive")
        }
    }

    @Test("compressed, empty and foreign files are refused with a reason")
    func notArchives() throws {
        let root = try Fixtures.directory("foreign")
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Fixtures.write([0x1f, 0x8b, 8, 0, 0, 0, 0, 0] + Fixtures.random(600), to: root + "/x.tar.gz")
        #expect(
            throws: MirrorError.archive(
                path: root + "/x.tar.gz",
                reason: "it is compressed with gzip; decompress it first (gunzip)"
            )
        ) {
            try ArchiveSource(path: root + "/x.tar.gz")
        }
        try Fixtures.write([], to: root + "/empty.tar")
        #expect(throws: MirrorError.archive(path: root + "/empty.tar", reason: "it is empty")) {
            try ArchiveSource(path: root + "/empty.tar")
        }
        try Fixtures.write(Array(String(repeating: "not a tar ", count: 120).utf8), to: root + "/text.tar")
        #expect(
            throws: MirrorError.archive(
                path: root + "/text.tar",
                reason: "the header at offset 0 has a malformed checksum field"
            )
        ) {
            try ArchiveSource(path: root + "/text.tar")
        }
        var tar = TarBuilder()
        tar.file("hello.txt", Array("hi".utf8))
        tar.end()
        try Fixtures.write(tar.bytes, to: root + "/plain.tar")
        #expect(
            throws: MirrorError.archive(
                path: root + "/plain.tar",
                reason:
                    "it holds neither an OCI image layout (oci-layout, index.json) nor a docker save (manifest.json)"
            )
        ) {
            try ArchiveSource(path: root + "/plain.tar")
        }
        #expect(
            throws: MirrorError.archive(
                path: root + "/missing.tar",
                reason: "cannot open \(root)/missing.tar: no such file or directory"
            )
        ) {
            try ArchiveSource(path: root + "/missing.tar")
        }
    }

    private func source(_ layout: OCILayoutFixture) throws -> ArchiveSource { try ArchiveSource(path: layout.path) }
}
