public import SystemLibraries

/// A blob's bytes on their way from a download to an upload: counted, hashed, and checked against the descriptor's
/// size and digest before the last byte is passed on, so a wrong blob never completes an upload.
final class VerifyingPipe: HTTPBodySink, @unchecked Sendable {
    // `verifier` is used only by the downloading thread.
    private let pipe = BytePipe()
    private let verifier: BlobVerifier
    private let progress: MirrorProgress

    init(_ descriptor: Descriptor, progress: MirrorProgress) {
        verifier = BlobVerifier(descriptor)
        self.progress = progress
    }

    /// `HTTPBodySink`: the downloader's side.
    func receive(_ bytes: UnsafeRawBufferPointer) -> String? {
        if let wrong = verifier.take(bytes) { return fail(wrong.description) }
        progress.add(bytes: bytes.count)
        return pipe.write(bytes)
    }

    /// Ends the stream after the download: a short body is a failure.
    func downloadEnded(failure: MirrorError?) {
        if let failure {
            pipe.finish(failure: failure.description)
        } else if verifier.received != verifier.descriptor.size {
            let descriptor = verifier.descriptor
            pipe.finish(
                failure: "blob \(descriptor.digest) ended after \(verifier.received) of its \(descriptor.size) bytes"
            )
        } else {
            pipe.finish()
        }
    }

    /// The uploader's side.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> { pipe.read(into: buffer) }

    /// The uploader gave up: the downloader stops at its next write.
    func abandon() { pipe.abandon(failure: "the upload of blob \(verifier.descriptor.digest) stopped") }

    private func fail(_ reason: String) -> String {
        pipe.finish(failure: reason)
        return reason
    }
}
