import Foundation
import RegistryKit
import SystemLibraries
import Testing

/// ``TarReader`` on archives written by hand and by GNU tar.
@Suite("Tar member index")
struct TarReaderTests {
    @Test("ustar names with a prefix, GNU long names, pax paths and sizes, and base-256 sizes")
    func extendedNames() throws {
        let long = String(repeating: "d/", count: 70) + "file.bin"
        var tar = TarBuilder()
        tar.prefixedFile(prefix: "blobs/sha256", name: "abc", Array("ustar".utf8))
        tar.gnuLongFile(long, Array("gnu".utf8))
        tar.paxFile([("path", "pax/" + long), ("mtime", "1.5")], headerName: "truncated-name", Array("pax!".utf8))
        tar.paxFile([("size", "5")], headerName: "pax-size", Array("sized".utf8), headerSize: 0)
        tar.pax([("comment", "global, ignored")], type: "g")
        tar.file("base256", Array(repeating: 7, count: 1000), base256Size: true)
        tar.file("./dotted/", [])
        tar.end()
        let members = try read(tar.bytes)
        #expect(members.map(\.name) == ["blobs/sha256/abc", long, "pax/" + long, "pax-size", "base256", "dotted"])
        #expect(members.map(\.size) == [5, 3, 4, 5, 1000, 0])
        #expect(members[5].kind == .directory)
        let index = TarIndex(members)
        let saved = try save(tar.bytes)
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let file = try ReadOnlyFile(path: saved)
        for (name, content) in [
            ("/blobs/sha256/abc", "ustar"), (long, "gnu"), ("./pax/" + long, "pax!"), ("pax-size", "sized"),
        ] {
            let member = try #require(index.file(name))
            #expect(try file.bytes(at: member.offset, count: member.size) == Array(content.utf8))
        }
    }

    @Test("links are followed, directories and missing names are not files")
    func links() throws {
        var tar = TarBuilder()
        tar.directory("a")
        tar.file("a/layer.tar", Array("layer".utf8))
        tar.symlink("b/layer.tar", to: "../a/layer.tar")
        tar.hardLink("c", to: "a/layer.tar")
        tar.symlink("loop", to: "loop")
        tar.symlink("escape", to: "../../etc/passwd")
        tar.end()
        let index = TarIndex(try read(tar.bytes))
        let target = try #require(index.file("a/layer.tar"))
        #expect(index.file("b/layer.tar") == target)
        #expect(index.file("c") == target)
        #expect(index.file("a") == nil)
        #expect(index.file("loop") == nil)
        #expect(index.file("escape") == nil)
        #expect(index.file("nothing") == nil)
    }

    @Test(
        "GNU tar's gnu, pax and ustar formats are read as tar lists them",
        .enabled(if: Fixtures.exists("/usr/bin/tar")),
        arguments: ["gnu", "pax", "ustar"]
    )
    func gnuTar(format: String) throws {
        let root = try Fixtures.directory("gnutar")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deep = (format == "ustar" ? "deep/" : String(repeating: "long-directory-name/", count: 8)) + "file.bin"
        try Fixtures.write(Fixtures.random(70_000), to: root + "/tree/" + deep)
        try Fixtures.write(Array("x".utf8), to: root + "/tree/small")
        try FileManager.default.createSymbolicLink(atPath: root + "/tree/link", withDestinationPath: "small")
        let made = try Fixtures.run(
            "/usr/bin/tar",
            ["--format=\(format)", "-C", root + "/tree", "-cf", root + "/t.tar", "."]
        )
        try #require(made.status == 0, "\(made.output)")
        let file = try ReadOnlyFile(path: root + "/t.tar")
        let index = try TarReader.index(of: file)
        let member = try #require(index.file(deep))
        #expect(
            try file.bytes(at: member.offset, count: member.size)
                == Array(try Data(contentsOf: URL(fileURLWithPath: root + "/tree/" + deep)))
        )
        #expect(index.file("link") == index.file("small"))
        #expect(index.file("link")?.size == 1)
    }

    @Test("malformed headers are refused, naming the offset or member")
    func malformed() throws {
        var badChecksum = TarBuilder()
        badChecksum.file("a", [1])
        badChecksum.end()
        badChecksum.bytes[0] = UInt8(ascii: "b")
        #expect(
            throws: MirrorError.archive(
                path: "",
                reason: "the header at offset 0 has a wrong checksum (is it a tar file, uncompressed?)"
            )
        ) {
            try read(badChecksum.bytes, path: "")
        }

        var badPax = TarBuilder()
        badPax.entry("PaxHeaders/a", type: "x", Array("99 path=a\n".utf8))
        badPax.file("a", [1])
        badPax.end()
        #expect(throws: MirrorError.archive(path: "", reason: "the pax header at offset 0 is malformed")) {
            try read(badPax.bytes, path: "")
        }

        var sparse = TarBuilder()
        sparse.entry("holes", type: "S", [])
        sparse.end()
        #expect(
            throws: MirrorError.archive(path: "", reason: "member holes is a GNU sparse file, which is not supported")
        ) {
            try read(sparse.bytes, path: "")
        }

        var orphan = TarBuilder()
        orphan.gnuLongFile(String(repeating: "n", count: 200), [])
        orphan.bytes.removeLast(512)
        orphan.end()
        #expect(throws: MirrorError.archive(path: "", reason: "it ends after an extended header at offset 0")) {
            try read(orphan.bytes, path: "")
        }
    }

    private func read(_ bytes: [UInt8], path: String = "") throws -> [TarMember] {
        let saved = try save(bytes)
        defer { try? FileManager.default.removeItem(atPath: saved) }
        do {
            return try TarReader.members(of: try ReadOnlyFile(path: saved))
        } catch let error as MirrorError {
            // Messages name the file; compare them without the temporary path.
            guard case .archive(_, let reason) = error else { throw error }
            throw MirrorError.archive(path: path, reason: reason)
        }
    }

    private func save(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "registrykit-tar-\(UUID().uuidString.prefix(8)).tar"
        try Fixtures.write(bytes, to: path)
        return path
    }
}
