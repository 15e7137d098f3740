/// The one check for a host that comes from outside the charm (relation data, `http-host`) before it becomes a
/// netloc, a `certs.d` directory, a `daemon.json` entry, a SAN or a haproxy server.
///
/// A host is an IPv4 address (dotted quad, no leading zeros), an IPv6 literal without brackets or zone, or a DNS
/// name as RFC 1123 has it: dot-separated labels of 1–63 ASCII letters, digits and inner hyphens, 253 characters in
/// all, no trailing dot.
enum HostAddress {
    /// The longest DNS name.
    static let maximumNameLength = 253
    /// The longest label of a DNS name.
    static let maximumLabelLength = 63

    /// Whether `text` is an IP address or a DNS name.
    static func isValid(_ text: some StringProtocol) -> Bool {
        isIPv6(text) || isName(text)
    }

    /// Whether `text` is a DNS name (RFC 1123) or an IPv4 address; four all-digit labels must be a valid IPv4
    /// address (`999.1.1.1` is neither).
    static func isName(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumNameLength else { return false }
        let labels = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.allSatisfy(isLabel) else { return false }
        if labels.count == 4, labels.allSatisfy({ $0.allSatisfy(isDigit) }) { return isIPv4(text) }
        return true
    }

    /// Whether `text` is an IPv4 address in dotted-quad form (`10.0.0.5`), without leading zeros.
    static func isIPv4(_ text: some StringProtocol) -> Bool {
        let parts = Array(text.utf8).split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                guard (1...3).contains(part.count), part.allSatisfy(isDigit) else { return false }
                if part.count > 1 && part.first == UInt8(ascii: "0") { return false }
                return part.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) } <= 255
            }
    }

    /// Whether `text` is an IPv6 address as written without brackets (`fd00::5`, `::ffff:10.0.0.5`); no zone.
    static func isIPv6(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: ":")), bytes.count <= 45 else { return false }
        let colon = UInt8(ascii: ":")
        var compressedAt: Int?
        for index in bytes.indices.dropLast() where bytes[index] == colon && bytes[index + 1] == colon {
            guard compressedAt == nil else { return false }
            compressedAt = index
        }
        guard let compressedAt else { return groupCount(bytes[...], ipv4Last: true) == 8 }
        let head = bytes[..<compressedAt]
        let tail = bytes[(compressedAt + 2)...]
        guard let before = groupCount(head, ipv4Last: false), let after = groupCount(tail, ipv4Last: true)
        else { return false }
        return before + after <= 7
    }

    /// The number of 16-bit groups in `part` (`1:2:3`), an IPv4 tail counting two; `nil` when a group is malformed.
    private static func groupCount(_ part: ArraySlice<UInt8>, ipv4Last: Bool) -> Int? {
        guard !part.isEmpty else { return 0 }
        let groups = part.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var count = 0
        for (index, group) in groups.enumerated() {
            if ipv4Last, index == groups.count - 1, group.contains(UInt8(ascii: ".")) {
                guard isIPv4(String(decoding: group, as: UTF8.self)) else { return nil }
                count += 2
            } else {
                guard (1...4).contains(group.count), group.allSatisfy(isHexDigit) else { return nil }
                count += 1
            }
        }
        return count
    }

    /// Whether `label` is 1–63 letters, digits and hyphens, neither first nor last a hyphen.
    private static func isLabel(_ label: ArraySlice<UInt8>) -> Bool {
        guard (1...maximumLabelLength).contains(label.count), label.first != UInt8(ascii: "-"),
            label.last != UInt8(ascii: "-")
        else { return false }
        return label.allSatisfy { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
