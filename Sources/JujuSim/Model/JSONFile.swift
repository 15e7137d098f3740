import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads and writes Codable values as JSON files, and holds `flock` locks.
enum JSONFile {
    /// Decodes `path`, or nil if it does not exist.
    static func read<T: Decodable>(_ type: T.Type, from path: String) throws -> T? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch {
            throw SimError("cannot parse \(path): \(error)")
        }
    }

    /// Encodes `value` to `path` atomically; `mode` sets the permissions the file is created with (files holding
    /// secret values: `0o600`).
    static func write<T: Encodable>(_ value: T, to path: String, pretty: Bool = false, mode: Int? = nil) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        let data = try encoder.encode(value)
        let temporary = path + ".tmp"
        let attributes: [FileAttributeKey: Any]? = mode.map { [.posixPermissions: $0] }
        try? FileManager.default.removeItem(atPath: temporary)
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: attributes) else {
            throw SimError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else { throw SimError("cannot rename \(temporary) to \(path)") }
    }

    /// Runs `body` while holding an exclusive `flock` on `path` (created if needed).
    static func withLock<R>(_ path: String, _ body: () throws -> R) throws -> R {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SimError("cannot open lock file \(path)") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else { throw SimError("cannot lock \(path)") }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
