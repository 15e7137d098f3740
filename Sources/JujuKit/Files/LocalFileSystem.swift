#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The machine's real file system, through POSIX calls.
public struct LocalFileSystem: FileSystem {
    /// Creates the file system.
    public init() {}

    /// `FileSystem` conformance on the real disk.
    public func read(_ path: String) throws(FileSystemError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .systemCall(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var content: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EISDIR { throw .invalidPath(path) }
                throw .systemCall(operation: "read", path: path, errno: errno)
            }
            if count == 0 { break }
            content.append(contentsOf: buffer[0..<count])
        }
        return content
    }

    /// `FileSystem` conformance on the real disk.
    public func write(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError) {
        guard path.hasPrefix("/"), !path.hasSuffix("/") else { throw .invalidPath(path) }
        let directory = Path.directory(of: path)
        try createDirectory(directory, mode: .publicDirectory)
        // At most 200 bytes of the name, so the temporary name fits NAME_MAX whenever the final one does.
        let stem = String(decoding: Path.basename(of: path).utf8.prefix(200), as: UTF8.self)
        let temporary = Path.join(directory, ".\(stem).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp")
        // The file is born with its final mode: a secret is never readable by others, not even empty.
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode.rawValue))
        guard fd >= 0 else { throw .systemCall(operation: "create", path: temporary, errno: errno) }
        var failure: FileSystemError?
        if fchmod(fd, mode_t(mode.rawValue)) != 0 {  // the umask may have removed bits we asked for
            failure = .systemCall(operation: "chmod", path: temporary, errno: errno)
        }
        if failure == nil {
            do { try Self.writeAll(content, to: fd, path: temporary, operation: "write") } catch { failure = error }
        }
        if failure == nil, fsync(fd) != 0 { failure = .systemCall(operation: "sync", path: temporary, errno: errno) }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 {
            failure = .systemCall(operation: "rename into", path: path, errno: errno)
        }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// `FileSystem` conformance on the real disk.
    public func remove(_ path: String) throws(FileSystemError) {
        if unlink(path) == 0 || errno == ENOENT { return }
        if errno == EISDIR || errno == EPERM {
            if rmdir(path) == 0 || errno == ENOENT { return }
        }
        throw .systemCall(operation: "remove", path: path, errno: errno)
    }

    /// `FileSystem` conformance on the real disk.
    public func removeTree(_ path: String) throws(FileSystemError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw .systemCall(operation: "stat", path: path, errno: errno)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            guard let directory = opendir(path) else { throw .systemCall(operation: "open", path: path, errno: errno) }
            var children: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name != "." && name != ".." { children.append(name) }
            }
            closedir(directory)
            for child in children { try removeTree(Path.join(path, child)) }
            if rmdir(path) != 0 && errno != ENOENT { throw .systemCall(operation: "remove", path: path, errno: errno) }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw .systemCall(operation: "remove", path: path, errno: errno)
        }
    }

    /// `FileSystem` conformance on the real disk.
    public func createDirectory(_ path: String, mode: FileMode) throws(FileSystemError) {
        if path.isEmpty || path == "/" || path == "." { return }
        var info = stat()
        if stat(path, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { return }
            throw .invalidPath(path)
        }
        try createDirectory(Path.directory(of: path), mode: .publicDirectory)
        if mkdir(path, mode_t(mode.rawValue)) != 0 && errno != EEXIST {
            throw .systemCall(operation: "create directory", path: path, errno: errno)
        }
        chmod(path, mode_t(mode.rawValue))
    }

    /// `FileSystem` conformance on the real disk: a link made beside `path`, then renamed over it.
    public func link(_ path: String, to target: String) throws(FileSystemError) {
        try createDirectory(Path.directory(of: path), mode: .publicDirectory)
        let temporary = path + ".charm-link-\(getpid())"
        unlink(temporary)
        guard symlink(target, temporary) == 0 else {
            throw .systemCall(operation: "link", path: path, errno: errno)
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .systemCall(operation: "rename into", path: path, errno: code)
        }
    }

    /// `FileSystem` conformance on the real disk.
    public func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `FileSystem` conformance on the real disk.
    public func append(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError) {
        guard path.hasPrefix("/"), !path.hasSuffix("/") else { throw .invalidPath(path) }
        try createDirectory(Path.directory(of: path), mode: .publicDirectory)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, mode_t(mode.rawValue))
        guard fd >= 0 else { throw .systemCall(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        try Self.writeAll(content, to: fd, path: path, operation: "append to")
    }

    /// Writes all of `content` to `fd`, again after a short write or `EINTR`; `path` and `operation` name a failure.
    private static func writeAll(
        _ content: [UInt8],
        to fd: Int32,
        path: String,
        operation: String
    ) throws(FileSystemError) {
        var offset = 0
        while offset < content.count {
            let written = content.withUnsafeBytes { bytes in
                Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, content.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw .systemCall(operation: operation, path: path, errno: errno)
            }
            offset += written
        }
    }

    /// `FileSystem` conformance on the real disk.
    public func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// `FileSystem` conformance on the real disk.
    public func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// `FileSystem` conformance on the real disk.
    public func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// `FileSystem` conformance on the real disk.
    public func mode(of path: String) -> FileMode? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileMode(rawValue: UInt32(info.st_mode) & 0o7777)
    }

    /// `FileSystem` conformance on the real disk: `st_mtim`.
    public func modificationTime(of path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1_000_000_000
    }

    /// `FileSystem` conformance on the real disk.
    public func owner(of path: String) -> FileOwner? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileOwner(user: UInt32(info.st_uid), group: UInt32(info.st_gid))
    }

    /// `FileSystem` conformance on the real disk.
    public func setOwner(_ path: String, _ owner: FileOwner) throws(FileSystemError) {
        guard chown(path, uid_t(owner.user), gid_t(owner.group)) == 0 else {
            throw .systemCall(operation: "chown", path: path, errno: errno)
        }
    }
}
