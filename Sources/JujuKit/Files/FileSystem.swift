/// The files a charm reads and writes.
///
/// Production code uses `LocalFileSystem`; tests use `InMemoryFileSystem`.
///
/// Writes are atomic: a reader sees the old content or the new, never half of it. A file is created with its
/// final mode before its first byte is written, so a secret is never readable by others, even for a moment.
public protocol FileSystem: Sendable {
    /// The content of the file at `path`, or `nil` when there is none.
    func read(_ path: String) throws(FileSystemError) -> [UInt8]?
    /// Replaces the file at `path` with `content`, creating parent directories (0755) as needed.
    func write(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError)
    /// Removes the file or empty directory at `path`; nothing happens when there is none.
    func remove(_ path: String) throws(FileSystemError)
    /// Removes `path` and everything below it; nothing happens when there is none.
    func removeTree(_ path: String) throws(FileSystemError)
    /// Creates a directory and its parents with `mode`; nothing happens when it exists.
    func createDirectory(_ path: String, mode: FileMode) throws(FileSystemError)
    /// Whether anything exists at `path`.
    func exists(_ path: String) -> Bool
    /// Whether `path` is a directory (following symbolic links), such as one dockerd made at a missing mount source.
    func isDirectory(_ path: String) -> Bool
    /// The permission bits of the file at `path`, or `nil` when there is none.
    func mode(of path: String) -> FileMode?
    /// The numeric owner and group of the file at `path`, or `nil` when there is none.
    func owner(of path: String) -> FileOwner?
    /// Gives the file at `path` to `owner` (for a file another service must read, such as nagios).
    func setOwner(_ path: String, _ owner: FileOwner) throws(FileSystemError)
    /// When the file at `path` was last modified, in seconds since 1970, or `nil` when there is none.
    func modificationTime(of path: String) -> Double?
    /// Makes `path` a symbolic link to `target` in one step (whatever was there is replaced), creating parent
    /// directories (0755) as needed.
    func link(_ path: String, to target: String) throws(FileSystemError)
    /// The target of the symbolic link at `path`, or `nil` when `path` is not one.
    func linkTarget(_ path: String) -> String?
    /// Adds `content` at the end of the file at `path` in one write (`O_APPEND`), creating it with `mode` (and its
    /// parent directories, 0755) when there is none: for logs that others tail, which a rewrite would confuse.
    func append(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError)
    /// The size in bytes of the file at `path` (following symbolic links), or `nil` when there is none.
    func size(of path: String) -> Int?
}

/// A numeric user and group, as `chown` takes them.
public struct FileOwner: Sendable, Hashable, CustomStringConvertible {
    /// The user id.
    public var user: UInt32
    /// The group id.
    public var group: UInt32

    /// Creates an owner.
    public init(user: UInt32, group: UInt32) {
        self.user = user
        self.group = group
    }

    /// root:root.
    public static let root = FileOwner(user: 0, group: 0)

    /// `uid:gid`.
    public var description: String { "\(user):\(group)" }
}

extension FileSystem {
    /// The file's content as UTF-8 text, or `nil` when there is none.
    public func readText(_ path: String) throws(FileSystemError) -> String? {
        guard let bytes = try read(path) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Replaces the file at `path` with `text`.
    public func write(_ path: String, text: String, mode: FileMode) throws(FileSystemError) {
        try write(path, Array(text.utf8), mode: mode)
    }

    /// Writes the file only if its content or mode differ; returns whether it wrote.
    @discardableResult
    public func update(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError) -> Bool {
        if try read(path) == content, self.mode(of: path) == mode { return false }
        try write(path, content, mode: mode)
        return true
    }
}

/// Unix permission bits.
public struct FileMode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The bits (for example `0o600`).
    public var rawValue: UInt32

    /// Creates a mode from its bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue & 0o7777 }

    /// Read and write for the owner only: secrets.
    public static let ownerOnly = FileMode(rawValue: 0o600)
    /// Readable by all, writable by the owner: public files.
    public static let publicReadable = FileMode(rawValue: 0o644)
    /// A directory everyone may enter.
    public static let publicDirectory = FileMode(rawValue: 0o755)
    /// A directory only the owner may enter.
    public static let privateDirectory = FileMode(rawValue: 0o700)

    /// The mode in octal (for example `0600`).
    public var description: String {
        var digits = String(rawValue, radix: 8)
        while digits.count < 4 { digits = "0" + digits }
        return digits
    }
}

/// Why a file operation failed.
public enum FileSystemError: Error, Equatable, CustomStringConvertible {
    /// A system call failed for `path`.
    case systemCall(operation: String, path: String, errno: Int32)
    /// The path is not usable (empty, not absolute, or a directory where a file was expected).
    case invalidPath(String)

    /// A lower-case message naming the path.
    public var description: String {
        switch self {
        case .systemCall(let operation, let path, let code): return "cannot \(operation) '\(path)': errno \(code)"
        case .invalidPath(let path): return "'\(path)' is not a usable file path"
        }
    }
}

/// Path helpers that need no Foundation.
public enum Path {
    /// The directory part of `path` (`/a/b` → `/a`, `b` → `.`).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// The last component of `path`.
    public static func basename(of path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// `base` and `component` joined with exactly one `/`.
    public static func join(_ base: String, _ component: String) -> String {
        if base.hasSuffix("/") { return base + component.drop(while: { $0 == "/" }) }
        return base + "/" + component.drop(while: { $0 == "/" })
    }
}
