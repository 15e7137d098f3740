public import SystemLibraries

/// A blob's bytes on their way from a download to an upload: counted, hashed, and checked against the descriptor's
/// size and digest before the last byte is passed on, so a wrong blob never completes an upload.
final class VerifyingPipe: HTTPBodySink, @unchecked Sendable {
    // `hasher` and `received` are touched only by the downloading thread.
    private let pipe = BytePipe()
    private let descriptor: Descriptor
    private let progress: MirrorProgress
    private var hasher: SHA256Hasher? = SHA256Hasher()
    private var received = 0

    init(_ descriptor: Descriptor, progress: MirrorProgress) {
        self.descriptor = descriptor
        self.progress = progress
    }

    /// `HTTPBodySink`: the downloader's side.
    func receive(_ bytes: UnsafeRawBufferPointer) -> String? {
        received += bytes.count
        guard received <= descriptor.size else {
            return fail("blob \(descriptor.digest) is longer than its \(descriptor.size) bytes")
        }
        hasher?.update(bytes)
        if received == descriptor.size, let finished = hasher.take() {
            let actual = "sha256:" + HexText.lowerCase(finished.finalize())
            guard actual == descriptor.digest else {
                return fail(MirrorError.digestMismatch(expected: descriptor.digest, actual: actual).description)
            }
        }
        progress.add(bytes: bytes.count)
        return pipe.write(bytes)
    }

    /// Ends the stream after the download: a short body is a failure.
    func downloadEnded(failure: MirrorError?) {
        if let failure {
            pipe.finish(failure: failure.description)
        } else if received != descriptor.size {
            pipe.finish(failure: "blob \(descriptor.digest) ended after \(received) of its \(descriptor.size) bytes")
        } else {
            pipe.finish()
        }
    }

    /// The uploader's side.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> { pipe.read(into: buffer) }

    /// The uploader gave up: the downloader stops at its next write.
    func abandon() { pipe.abandon(failure: "the upload of blob \(descriptor.digest) stopped") }

    private func fail(_ reason: String) -> String {
        pipe.finish(failure: reason)
        return reason
    }
}
