import Foundation
import JujuKit
import Testing

/// `LocalFileSystem.append` and `size(of:)` on the real disk: the file is born with its mode, later appends keep it
/// and its content, and a reader that holds the file open sees every line (no rewrite under it).
@Suite("LocalFileSystem: append and size")
struct LocalFileSystemAppendTests {
    @Test("append creates the file with its mode and parents, then adds to the same file")
    func appends() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("append-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("logs/charm.log").path
        let files = LocalFileSystem()
        #expect(files.size(of: path) == nil)
        try files.append(path, Array("one\n".utf8), mode: .ownerOnly)
        #expect(files.mode(of: path) == .ownerOnly)
        let reader = try #require(FileHandle(forReadingAtPath: path))
        defer { try? reader.close() }
        try files.append(path, Array("two\n".utf8), mode: .publicReadable)
        #expect(files.mode(of: path) == .ownerOnly, "an existing file keeps its mode")
        #expect(try files.read(path) == Array("one\ntwo\n".utf8))
        #expect(files.size(of: path) == 8)
        #expect(String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self) == "one\ntwo\n")
        #expect(throws: FileSystemError.self) { try files.append(directory.path, [0x0A], mode: .publicReadable) }
    }
}
