import SystemLibraries

/// A run of bytes in a file: a whole file of a layout directory, or a member of a tar archive.
struct ArchiveRegion: Sendable {
    /// The open file.
    let file: ReadOnlyFile
    /// Where the bytes start.
    let offset: Int
    /// How many there are.
    let size: Int
}

/// The files of an archive by their path inside it: a directory's files or a tar file's members.
protocol ArchiveContents: Sendable {
    /// The archive's path, for messages.
    var path: String { get }
    /// The file `name` (a relative path such as `blobs/sha256/<hex>`), or `nil` when there is none.
    func region(_ name: String) throws(MirrorError) -> ArchiveRegion?
}

extension ArchiveContents {
    /// Whether the archive holds the file `name`.
    func contains(_ name: String) throws(MirrorError) -> Bool { try region(name) != nil }

    /// The bytes of the file `name`, which must exist and hold at most `limit` bytes.
    func bytes(of name: String, limit: Int) throws(MirrorError) -> [UInt8] {
        guard let region = try region(name) else { throw .archive(path: path, reason: "it holds no \(name)") }
        guard region.size <= limit else {
            throw .archive(path: path, reason: "\(name) is \(region.size) bytes, more than the \(limit) allowed")
        }
        let bytes = try TarReader.read(region.file, at: region.offset, count: region.size)
        guard bytes.count == region.size else {
            throw .archive(path: path, reason: "\(name) ends after \(bytes.count) of its \(region.size) bytes")
        }
        return bytes
    }

    /// The `sha256:` digest of the file `name`, read a mebibyte at a time.
    func digest(of name: String) throws(MirrorError) -> (digest: String, size: Int) {
        guard let region = try region(name) else { throw .archive(path: path, reason: "it holds no \(name)") }
        var hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: min(region.size, ArchiveBlobReader.chunkSize))
        var done = 0
        while done < region.size {
            let wanted = min(buffer.count, region.size - done)
            let result: Result<Int, FileError> = buffer.withUnsafeMutableBytes { whole in
                let part = UnsafeMutableRawBufferPointer(rebasing: whole[0..<wanted])
                return Result { () throws(FileError) in try region.file.read(at: region.offset + done, into: part) }
            }
            guard case .success(let count) = result, count == wanted else {
                let reason = result.failure?.description ?? "\(name) ends after \(done) of its \(region.size) bytes"
                throw .archive(path: path, reason: reason)
            }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            done += count
        }
        return ("sha256:" + HexText.lowerCase(hasher.finalize()), region.size)
    }
}

/// An archive that is a directory: its files, each opened when asked for.
struct DirectoryContents: ArchiveContents {
    let path: String

    func region(_ name: String) throws(MirrorError) -> ArchiveRegion? {
        let components = name.split(separator: "/")
        guard !components.isEmpty, !components.contains("..") else {
            throw .archive(path: path, reason: "the name \(name) leaves the directory")
        }
        let file: ReadOnlyFile
        do {
            file = try ReadOnlyFile(path: path + "/" + components.joined(separator: "/"))
        } catch {
            if error.isNotFound { return nil }
            throw .archive(path: path, reason: error.description)
        }
        guard !file.isDirectory else { return nil }
        return ArchiveRegion(file: file, offset: 0, size: file.size)
    }
}

/// An archive that is a tar file: its members, found through the index read when it was opened.
struct TarContents: ArchiveContents {
    let file: ReadOnlyFile
    let index: TarIndex
    var path: String { file.path }

    func region(_ name: String) throws(MirrorError) -> ArchiveRegion? {
        index.file(name).map { ArchiveRegion(file: file, offset: $0.offset, size: $0.size) }
    }
}
