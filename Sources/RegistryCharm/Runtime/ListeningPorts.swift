public import JujuKit

/// The TCP ports something listens on in this machine's network namespace, read from `/proc/net/tcp` and
/// `/proc/net/tcp6` (the registry runs on the host network, so its listener shows there).
public enum ListeningPorts {
    /// The ports in `LISTEN` state, IPv4 and IPv6 together; a table that cannot be read counts as empty.
    public static func read(_ files: any FileSystem) -> Set<Int> {
        var ports = Set<Int>()
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let bytes = try? files.read(table) else { continue }
            ports.formUnion(listening(inTable: String(decoding: bytes, as: UTF8.self)))
        }
        return ports
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

    /// The first port after `port` (within 100) that nothing in `listening` uses and that is not in `excluded`.
    public static func free(after port: Int, listening: Set<Int>, excluding excluded: Set<Int>) -> Int? {
        guard port < 65535 else { return nil }
        return (port + 1...min(port + 100, 65535)).first { !listening.contains($0) && !excluded.contains($0) }
    }
}
