public import SystemLibraries

/// A blob's bytes counted and hashed as they pass on their way to an upload, and checked against its descriptor as
/// soon as the last of them arrives, so that the caller can refuse them before the upload completes.
final class BlobVerifier {
    /// The blob expected.
    let descriptor: Descriptor
    /// The bytes taken so far.
    private(set) var received = 0
    private var hasher: SHA256Hasher? = SHA256Hasher()

    init(_ descriptor: Descriptor) {
        self.descriptor = descriptor
    }

    /// Takes the next bytes; returns why the blob is wrong (longer than its descriptor says, or, once complete, of
    /// another digest), or `nil`.
    func take(_ bytes: UnsafeRawBufferPointer) -> MirrorError? {
        received += bytes.count
        guard received <= descriptor.size else {
            return .unreadable(
                what: "blob \(descriptor.digest)",
                reason: "it is longer than the \(descriptor.size) bytes its descriptor gives"
            )
        }
        hasher?.update(bytes)
        if received == descriptor.size, let finished = hasher.take() {
            let actual = "sha256:" + HexText.lowerCase(finished.finalize())
            guard actual == descriptor.digest else {
                return .digestMismatch(expected: descriptor.digest, actual: actual)
            }
        }
        return nil
    }
}
