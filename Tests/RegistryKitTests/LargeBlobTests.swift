import Foundation
import RegistryKit
import SystemLibraries
import Testing

/// A 1 GiB layer (a sparse file, so the test writes little) hashed and streamed in constant memory.
@Suite("Large blobs")
struct LargeBlobTests {
    static let layerSize = 1 << 30

    @Test("a docker save with a 1 GiB layer is hashed and read without memory growing with it")
    func gibibyteLayer() throws {
        let root = try Fixtures.directory("large")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let path = root + "/large.tar"
        let config = Array(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        var head = TarBuilder()
        head.file("config.json", config)
        head.file(
            "manifest.json",
            Array(#"[{"Config":"config.json","RepoTags":["big:1"],"Layers":["l/layer.tar"]}]"#.utf8)
        )
        head.append(head.header(name: "l/layer.tar", size: Self.layerSize, type: "0", format: .posix))
        try Fixtures.write(head.bytes, to: path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seek(toOffset: UInt64(head.bytes.count + Self.layerSize))
        try handle.write(contentsOf: Data(count: 1024))
        try handle.close()

        let baseline = Self.residentBytes()
        let source = try ArchiveSource(path: path)
        let image = try #require(try source.images().first)
        let connection = try HTTPConnection()
        let document = try #require(try source.manifest(image.repository, image.digest, on: connection))
        let layer = document.blobs[1]
        #expect(layer.size == Self.layerSize)
        let reader = try source.openBlob(image.repository, layer, counting: MirrorProgress(), on: connection)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var handed = 0
        var peak = Self.residentBytes()
        var failure: HTTPStreamFailure?
        reading: while true {
            switch buffer.withUnsafeMutableBytes({ reader.read(into: $0) }) {
            case .success(0): break reading
            case .success(let count): handed += count
            case .failure(let error):
                failure = error
                break reading
            }
            if handed % (64 << 20) == 0 { peak = max(peak, Self.residentBytes()) }
        }
        #expect(failure == nil)
        #expect(reader.close() == nil)
        #expect(handed == Self.layerSize)
        #expect(peak - baseline < 64 << 20, "resident memory grew by \(peak - baseline) bytes")
    }

    /// The process's resident set (`VmRSS`), in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return 0 }
        return kilobytes * 1024
    }
}
