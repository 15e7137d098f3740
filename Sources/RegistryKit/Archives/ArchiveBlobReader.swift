import SystemLibraries

/// A blob read from an archive file into an upload, at most a mebibyte per read straight into the uploader's
/// buffer: hashed as it goes, and refused before its last bytes are handed over when the digest is not the
/// descriptor's.
final class ArchiveBlobReader: BlobReader {
    /// The most read at once (1 MiB).
    static let chunkSize = 1 << 20

    let length: Int
    private let region: ArchiveRegion
    private let verifier: BlobVerifier
    private let progress: MirrorProgress
    private let archive: String
    private var failure: MirrorError?

    init(_ region: ArchiveRegion, descriptor: Descriptor, progress: MirrorProgress, archive: String) {
        self.region = region
        verifier = BlobVerifier(descriptor)
        self.progress = progress
        self.archive = archive
        self.length = region.size
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> {
        if let failure { return .failure(HTTPStreamFailure(failure.description)) }
        let position = verifier.received
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
                .archive(
                    path: archive,
                    reason: "blob \(verifier.descriptor.digest) ends after \(position + count) bytes"
                )
            )
        }
        if let wrong = verifier.take(UnsafeRawBufferPointer(part)) { return fail(wrong) }
        progress.add(bytes: count)
        return .success(count)
    }

    func close() -> MirrorError? { failure }

    private func fail(_ error: MirrorError) -> Result<Int, HTTPStreamFailure> {
        failure = error
        return .failure(HTTPStreamFailure(error.description))
    }
}
