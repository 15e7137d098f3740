/// Why an image list cannot be read; each message is a lower-case phrase naming the line or key.
public enum ImageListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A key asked for is not in the file; `available` are the file's keys, in its order.
    case unknownKey(String, available: [String])
    /// Keys were asked for, but the file is a plain list without `key: images` lines.
    case keysWithoutKeyedLines(keys: [String])
    /// A line of a keyed file has no `key:`.
    case missingKey(line: Int)
    /// A `{{` without its `}}`.
    case unclosedPlaceholder(line: Int)
    /// A placeholder other than `{{ arch }}` and `{{ multiarch_workaround }}`.
    case unknownPlaceholder(line: Int, name: String)
    /// A line uses `{{ arch }}` but no architectures were given.
    case noArchitectures(line: Int)
    /// A reference that is not a valid image reference.
    case invalidReference(line: Int, reference: String, reason: ImageReferenceError)

    /// A lower-case phrase.
    public var description: String {
        switch self {
        case .unknownKey(let key, let available):
            let keys = available.isEmpty ? "none" : available.joined(separator: ", ")
            return "the image list has no key \(key) (its keys: \(keys))"
        case .keysWithoutKeyedLines(let keys):
            return "keys (\(keys.joined(separator: ", "))) were given but the image list has no 'key: images' lines"
        case .missingKey(let line):
            return "line \(line) of the image list has no 'key:' although other lines do"
        case .unclosedPlaceholder(let line): return "line \(line) of the image list has a '{{' without its '}}'"
        case .unknownPlaceholder(let line, let name):
            return "line \(line) of the image list has an unknown placeholder {{ \(name) }} "
                + "(only {{ arch }} and {{ multiarch_workaround }} are known)"
        case .noArchitectures(let line):
            return "line \(line) of the image list uses {{ arch }} but no architectures were given"
        case .invalidReference(let line, let reference, let reason):
            return "line \(line) of the image list: \(reference) is not an image reference: \(reason)"
        }
    }
}
