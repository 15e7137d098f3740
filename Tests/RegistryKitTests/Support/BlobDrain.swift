import RegistryKit
import SystemLibraries

/// What reading a blob reader to its end gave.
struct BlobDrain {
    /// The bytes handed over.
    var bytes: [UInt8] = []
    /// The largest single read.
    var largestRead = 0
    /// The failure that ended the reading, if one did.
    var failure: HTTPStreamFailure?
    /// What `close()` returned.
    var closeFailure: MirrorError?

    /// Reads `reader` with a buffer of `bufferSize` bytes until the end or a failure, then closes it.
    init(_ reader: any BlobReader, bufferSize: Int = 4 << 20, keepBytes: Bool = true) {
        var buffer = [UInt8](repeating: 0, count: bufferSize)
        reading: while true {
            let result = buffer.withUnsafeMutableBytes { reader.read(into: $0) }
            switch result {
            case .success(0): break reading
            case .success(let count):
                largestRead = max(largestRead, count)
                if keepBytes { bytes += buffer[0..<count] }
                handed += count
            case .failure(let failure):
                self.failure = failure
                break reading
            }
        }
        closeFailure = reader.close()
    }

    /// How many bytes were handed over (kept or not).
    var handed = 0
}
