#if canImport(Glibc)
    import Glibc
#endif

/// Why a file cannot be opened or read; each message is a lower-case phrase naming the file.
public enum FileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `open` or `fstat` failed with `code` (an `errno`).
    case open(path: String, code: Int32)
    /// `pread` failed with `code` (an `errno`).
    case read(path: String, code: Int32)

    /// Whether the file does not exist.
    public var isNotFound: Bool {
        if case .open(_, let code) = self { return code == ENOENT || code == ENOTDIR }
        return false
    }

    /// A lower-case phrase.
    public var description: String {
        switch self {
        case .open(let path, let code): return "cannot open \(path): \(Self.reason(code))"
        case .read(let path, let code): return "cannot read \(path): \(Self.reason(code))"
        }
    }

    private static func reason(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text).lowercased()
    }
}
