public import JujuKit
import Synchronization

/// A `FileSystem` that simulates an empty disk in memory, recording each write.
public final class InMemoryFileSystem: FileSystem, Sendable {
    /// A stored file.
    public struct File: Sendable, Equatable {
        /// The content.
        public var content: [UInt8]
        /// The permission bits.
        public var mode: FileMode
        /// The owner (root unless changed).
        public var owner = FileOwner.root
        /// When it was last written, on the file system's own clock (see ``setModificationTime(_:_:)``).
        public var modified: Double = 0

        /// Files are equal when their content, mode and owner are: when they were written does not count.
        public static func == (left: File, right: File) -> Bool {
            left.content == right.content && left.mode == right.mode && left.owner == right.owner
        }
    }

    private struct State {
        var files: [String: File] = [:]
        var links: [String: String] = [:]
        var directories: Set<String> = ["/"]
        var writes: [String] = []
        /// Directories whose file system is full: writing a file in them fails with `ENOSPC`.
        var full: Set<String> = []
        /// Each write is one second after the one before.
        var clock: Double = 1_700_000_000
    }

    private let state = Mutex(State())

    /// Creates an empty file system.
    public init() {}

    /// Every file, by path.
    public var files: [String: File] { state.withLock { $0.files } }

    /// The paths written, in order (one entry per write).
    public var writes: [String] { state.withLock { $0.writes } }

    /// Makes writes of files directly in `directory` fail with `ENOSPC` (`full`), or succeed again.
    public func setFull(_ directory: String, _ full: Bool) {
        state.withLock { if full { $0.full.insert(directory) } else { $0.full.remove(directory) } }
    }

    /// Forgets the recorded writes (files stay).
    public func resetRecording() {
        state.withLock { $0.writes.removeAll() }
    }

    /// `FileSystem` conformance in memory.
    ///
    /// Like the real disk, reading a directory fails.
    public func read(_ path: String) throws(FileSystemError) -> [UInt8]? {
        try state.withLock { (state: inout State) throws(FileSystemError) -> [UInt8]? in
            if state.directories.contains(path) { throw .invalidPath(path) }
            return state.files[path]?.content
        }
    }

    /// `FileSystem` conformance in memory.
    public func write(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError) {
        try prepareParent(of: path)
        try state.withLock { (state: inout State) throws(FileSystemError) in
            // Like rename(2) onto a directory.
            if state.directories.contains(path) { throw .systemCall(operation: "rename into", path: path, errno: 21) }
            if state.full.contains(Path.directory(of: path)) {
                throw .systemCall(operation: "write", path: path + ".tmp", errno: 28)
            }
            state.clock += 1
            state.files[path] = File(content: content, mode: mode, modified: state.clock)
            state.writes.append(path)
        }
    }

    /// `FileSystem` conformance in memory: a file that exists keeps its mode.
    public func append(_ path: String, _ content: [UInt8], mode: FileMode) throws(FileSystemError) {
        try prepareParent(of: path)
        try state.withLock { (state: inout State) throws(FileSystemError) in
            if state.directories.contains(path) { throw .systemCall(operation: "open", path: path, errno: 21) }
            if state.full.contains(Path.directory(of: path)) {
                throw .systemCall(operation: "append to", path: path, errno: 28)
            }
            state.clock += 1
            var file = state.files[path] ?? File(content: [], mode: mode)
            file.content += content
            file.modified = state.clock
            state.files[path] = file
            state.writes.append(path)
        }
    }

    /// `FileSystem` conformance in memory.
    public func size(of path: String) -> Int? {
        state.withLock { $0.files[path]?.content.count }
    }

    /// `FileSystem` conformance in memory.
    ///
    /// Like the real disk, a directory that is not empty stays and the call fails.
    public func remove(_ path: String) throws(FileSystemError) {
        let prefix = path + "/"
        try state.withLock { (state: inout State) throws(FileSystemError) in
            if state.directories.contains(path),
                state.files.keys.contains(where: { $0.hasPrefix(prefix) })
                    || state.directories.contains(where: { $0.hasPrefix(prefix) })
            {
                throw .systemCall(operation: "remove", path: path, errno: 39)
            }
            state.files[path] = nil
            state.links[path] = nil
            state.directories.remove(path)
        }
    }

    /// `FileSystem` conformance in memory.
    public func removeTree(_ path: String) throws(FileSystemError) {
        let prefix = path.hasSuffix("/") ? path : path + "/"
        state.withLock { state in
            state.files = state.files.filter { $0.key != path && !$0.key.hasPrefix(prefix) }
            state.directories = state.directories.filter { $0 != path && !$0.hasPrefix(prefix) }
        }
    }

    /// `FileSystem` conformance in memory.
    public func createDirectory(_ path: String, mode: FileMode) throws(FileSystemError) {
        try Self.checkNameLengths(path)
        var current = path
        var added: [String] = []
        while current != "/" && current != "." && !current.isEmpty {
            added.append(current)
            current = Path.directory(of: current)
        }
        state.withLock { $0.directories.formUnion(added) }
    }

    /// Checks `path` as the kernel would for a new file and creates its parent directories.
    private func prepareParent(of path: String) throws(FileSystemError) {
        guard path.hasPrefix("/"), !path.hasSuffix("/") else { throw .invalidPath(path) }
        try Self.checkNameLengths(path)
        try createDirectory(Path.directory(of: path), mode: .publicDirectory)
    }

    /// The most bytes a file name may have (Linux's `NAME_MAX`).
    public static let maximumNameLength = 255

    /// Fails as the kernel does (`ENAMETOOLONG`) when a component of `path` is longer than ``maximumNameLength``.
    static func checkNameLengths(_ path: String) throws(FileSystemError) {
        for name in path.split(separator: "/") where name.utf8.count > maximumNameLength {
            throw .systemCall(operation: "create", path: path, errno: 36)
        }
    }

    /// `FileSystem` conformance in memory.
    public func exists(_ path: String) -> Bool {
        state.withLock { $0.files[path] != nil || $0.directories.contains(path) || $0.links[path] != nil }
    }

    /// `FileSystem` conformance in memory: the link replaces a file at `path`.
    public func link(_ path: String, to target: String) throws(FileSystemError) {
        state.withLock {
            $0.files[path] = nil
            $0.links[path] = target
            $0.writes.append(path)
        }
    }

    /// `FileSystem` conformance in memory.
    public func linkTarget(_ path: String) -> String? {
        state.withLock { $0.links[path] }
    }

    /// `FileSystem` conformance in memory.
    public func isDirectory(_ path: String) -> Bool {
        state.withLock { $0.directories.contains(path) }
    }

    /// `FileSystem` conformance in memory.
    public func mode(of path: String) -> FileMode? {
        state.withLock { $0.files[path]?.mode }
    }

    /// `FileSystem` conformance in memory.
    public func modificationTime(of path: String) -> Double? {
        state.withLock { $0.files[path]?.modified }
    }

    /// Sets when the file at `path` was last modified (a test's pretend `touch -d`).
    public func setModificationTime(_ path: String, _ seconds: Double) {
        state.withLock { $0.files[path]?.modified = seconds }
    }

    /// `FileSystem` conformance in memory.
    public func owner(of path: String) -> FileOwner? {
        state.withLock { $0.files[path]?.owner }
    }

    /// `FileSystem` conformance in memory.
    public func setOwner(_ path: String, _ owner: FileOwner) throws(FileSystemError) {
        try state.withLock { (state: inout State) throws(FileSystemError) in
            guard state.files[path] != nil else { throw .systemCall(operation: "chown", path: path, errno: 2) }
            state.files[path]?.owner = owner
        }
    }
}
