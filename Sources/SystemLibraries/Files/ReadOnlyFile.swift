#if canImport(Glibc)
    import Glibc
#endif

/// A file (or directory) opened for reading at offsets with `pread`, so threads can share it and a multi-gigabyte
/// file is read a piece at a time; closed when released.
public final class ReadOnlyFile: Sendable {
    /// The path it was opened from.
    public let path: String
    /// Its length in bytes when opened.
    public let size: Int
    /// Whether it is a directory (which cannot be read).
    public let isDirectory: Bool
    private let descriptor: Int32

    /// Opens `path` for reading.
    public init(path: String) throws(FileError) {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .open(path: path, code: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .open(path: path, code: code)
        }
        self.path = path
        self.descriptor = descriptor
        self.size = Int(status.st_size)
        self.isDirectory = (status.st_mode & S_IFMT) == S_IFDIR
    }

    deinit { Glibc.close(descriptor) }

    /// Fills `buffer` with the bytes from `offset` on; returns how many it read, fewer than asked only at the end
    /// of the file.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(FileError) -> Int {
        var done = 0
        while done < buffer.count {
            let count = pread(
                descriptor,
                buffer.baseAddress?.advanced(by: done),
                buffer.count - done,
                off_t(offset + done)
            )
            if count < 0 {
                if errno == EINTR { continue }
                throw .read(path: path, code: errno)
            }
            if count == 0 { break }
            done += count
        }
        return done
    }

    /// The `count` bytes from `offset` on; fewer only at the end of the file.
    public func bytes(at offset: Int, count: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(FileError) in try self.read(at: offset, into: buffer) }
        }
        let count = try read.get()
        if count < bytes.count { bytes.removeLast(bytes.count - count) }
        return bytes
    }
}
