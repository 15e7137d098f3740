/// An opened port range (`80/tcp`, `8000-8080/udp`, `icmp`).
struct PortRange: Codable, Hashable, Comparable, Sendable {
    /// `tcp`, `udp` or `icmp`.
    var proto: String
    /// First port (-1 for icmp).
    var from: Int
    /// Last port (-1 for icmp).
    var to: Int

    /// Parses Juju's port syntax; nil when it is not valid.
    init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "icmp" {
            self.proto = "icmp"
            self.from = -1
            self.to = -1
            return
        }
        let parts = lower.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let range = parts.first else { return nil }
        let proto = parts.count == 2 ? String(parts[1]) : "tcp"
        guard proto == "tcp" || proto == "udp" else { return nil }
        let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
        guard (1...2).contains(bounds.count), let from = Int(bounds[0]), let to = Int(bounds[bounds.count - 1]),
            (1...65535).contains(from), (1...65535).contains(to), from <= to
        else { return nil }
        self.proto = proto
        self.from = from
        self.to = to
    }

    /// The text form Juju prints.
    var text: String {
        if proto == "icmp" { return "icmp" }
        return from == to ? "\(from)/\(proto)" : "\(from)-\(to)/\(proto)"
    }

    static func < (lhs: PortRange, rhs: PortRange) -> Bool {
        if lhs.proto != rhs.proto { return lhs.proto < rhs.proto }
        if lhs.from != rhs.from { return lhs.from < rhs.from }
        return lhs.to < rhs.to
    }
}

/// A port range opened for some endpoints (`["*"]` = all).
struct OpenedPort: Codable, Hashable, Sendable {
    /// The range.
    var range: PortRange
    /// Endpoint names, or `*` for all endpoints.
    var endpoints: [String]
}

/// A buffered open-port or close-port request.
struct PortOperation: Codable, Hashable, Sendable {
    /// True to open, false to close.
    var open: Bool
    /// The range.
    var range: PortRange
    /// Endpoint names, or `*` for all endpoints.
    var endpoints: [String]
}

extension [OpenedPort] {
    /// Applies an open or close to the list.
    mutating func apply(_ operation: PortOperation) {
        if operation.open {
            if let index = firstIndex(where: { $0.range == operation.range }) {
                if operation.endpoints == ["*"] || self[index].endpoints == ["*"] {
                    self[index].endpoints = ["*"]
                } else {
                    self[index].endpoints = Set<String>(self[index].endpoints + operation.endpoints).sorted()
                }
            } else {
                append(OpenedPort(range: operation.range, endpoints: operation.endpoints))
            }
        } else if let index = firstIndex(where: { $0.range == operation.range }) {
            if operation.endpoints == ["*"] || self[index].endpoints == ["*"] {
                remove(at: index)
            } else {
                self[index].endpoints.removeAll { operation.endpoints.contains($0) }
                if self[index].endpoints.isEmpty { remove(at: index) }
            }
        }
        sort { $0.range < $1.range }
    }
}
