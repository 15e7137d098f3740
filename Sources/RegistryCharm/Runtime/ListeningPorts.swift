public import JujuKit

/// The TCP ports something listens on in this machine's network namespace, read from `/proc/net/tcp` and
/// `/proc/net/tcp6` (the registry runs on the host network, so its listener shows there).
public struct ListeningPorts: Sendable {
    /// The ports in `LISTEN` state, IPv4 and IPv6 together.
    public let ports: Set<Int>

    /// Reads the tables through `files`; a table that cannot be read counts as empty.
    public init(files: any FileSystem) {
        var ports = Set<Int>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = try? files.read(table) else { continue }
            ports.formUnion(Self.listening(inTable: String(decoding: bytes, as: UTF8.self)))
        }
        self.ports = ports
    }

    /// The local ports of the `LISTEN` (`0A`) rows of one table: `sl local_address rem_address st …`, addresses as
    /// `HEXADDR:HEXPORT`.
    public static func listening(inTable table: String) -> Set<Int> {
        var ports = Set<Int>()
        for line in table.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16)
            else { continue }
            ports.insert(port)
        }
        return ports
    }

    /// Whether something listens on `port`.
    public func contains(_ port: Int) -> Bool { ports.contains(port) }

    /// The first port after `port` (within 100) that nothing listens on and that is not in `excluded`.
    public func free(after port: Int, excluding excluded: Set<Int>) -> Int? {
        (port + 1...min(port + 100, 65535)).first { !ports.contains($0) && !excluded.contains($0) }
    }
}
