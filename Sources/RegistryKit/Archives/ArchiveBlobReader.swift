import SystemLibraries

/// A blob read from an archive file into an upload, at most a mebibyte per read straight into the uploader's
/// buffer: hashed as it goes, and refused before its last bytes are handed over when the digest is not the
/// descriptor's.
final class ArchiveBlobReader: BlobReader {
    /// The most read at once (1 MiB).
    static let chunkSize = 1 << 20

    let length: Int
    private let region: ArchiveRegion
    private let descriptor: Descriptor
    private let progress: MirrorProgress
    private let archive: String
    private var hasher: SHA256Hasher? = SHA256Hasher()
    private var position = 0
    private var failure: MirrorError?

    init(_ region: ArchiveRegion, descriptor: Descriptor, progress: MirrorProgress, archive: String) {
        self.region = region
        self.descriptor = descriptor
        self.progress = progress
        self.archive = archive
        self.length = region.size
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> {
        if let failure { return .failure(HTTPStreamFailure(failure.description)) }
        let wanted = min(buffer.count, Self.chunkSize, length - position)
        guard wanted > 0 else { return .success(0) }
        let part = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted])
        let count: Int
        do {
            count = try region.file.read(at: region.offset + position, into: part)
        } catch {
            return fail(.archive(path: archive, reason: error.description))
        }
        guard count == wanted else {
            return fail(
                .archive(path: archive, reason: "blob \(descriptor.digest) ends after \(position + count) bytes")
            )
        }
        hasher?.update(UnsafeRawBufferPointer(part))
        position += count
        if position == length, let finished = hasher.take() {
            let actual = "sha256:" + HexText.lowerCase(finished.finalize())
            guard actual == descriptor.digest else {
                return fail(.digestMismatch(expected: descriptor.digest, actual: actual))
            }
        }
        progress.add(bytes: count)
        return .success(count)
    }

    func close() -> MirrorError? { failure }

    private func fail(_ error: MirrorError) -> Result<Int, HTTPStreamFailure> {
        failure = error
        return .failure(HTTPStreamFailure(error.description))
    }
}
