/// Checks registry addresses before they become paths (`certs.d/<netloc>`) or `daemon.json` entries.
public enum RegistryAddress {
    /// The longest file name (`NAME_MAX`): the most `certs.d/<netloc>` can take.
    public static let maximumFileNameLength = 255

    /// Throws unless `netloc` is `host`, `host:port` or `[v6]:port`, the host checked by ``HostAddress`` (the
    /// check relation data passes too) and the port 1–65535.
    ///
    /// This keeps `certs.d/<netloc>` inside `certs.d` (no `/`, no `..`) and keeps anything dockerd would refuse to
    /// start with (`evil:x`) out of `daemon.json`.
    public static func validate(_ netloc: String) throws(DockerHostError) {
        guard let parts = split(netloc), HostAddress.isValid(parts.host) else { throw .invalidNetloc(netloc) }
        if let port = parts.port {
            guard (1...5).contains(port.utf8.count), port.utf8.allSatisfy({ (48...57).contains($0) }),
                let number = Int(port), (1...65535).contains(number)
            else { throw .invalidNetloc(netloc) }
        }
    }

    /// Throws unless `netloc` is valid (``validate(_:)``) and fits a file name.
    public static func validateFileName(_ netloc: String) throws(DockerHostError) {
        try validate(netloc)
        guard netloc.utf8.count <= maximumFileNameLength else { throw .invalidNetloc(netloc) }
    }

    /// Whether `netloc` is refused now but was accepted by revisions before the one host check (letters, digits,
    /// `.`, `-`, `_`, `:`, `[`, `]`; no leading `.`, no `..`): it can still name a `certs.d` directory to remove.
    public static func isLegacy(_ netloc: String) -> Bool {
        guard (try? validate(netloc)) == nil else { return false }
        let allowed = netloc.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "[", "]": return true
            default: return false
            }
        }
        return allowed && !netloc.isEmpty && netloc.count <= 261 && !netloc.hasPrefix(".") && !netloc.contains("..")
    }

    /// The host (without brackets) and the port text, if any; `nil` for an unbracketed IPv6 address with a port
    /// or unbalanced brackets.
    private static func split(_ netloc: String) -> (host: Substring, port: Substring?)? {
        if netloc.hasPrefix("[") {
            guard let close = netloc.firstIndex(of: "]") else { return nil }
            let host = netloc[netloc.index(after: netloc.startIndex)..<close]
            let rest = netloc[netloc.index(after: close)...]
            guard HostAddress.isIPv6(host) else { return nil }
            if rest.isEmpty { return (host, nil) }
            guard rest.hasPrefix(":") else { return nil }
            return (host, rest.dropFirst())
        }
        guard let colon = netloc.firstIndex(of: ":") else { return (netloc[...], nil) }
        let host = netloc[..<colon]
        let port = netloc[netloc.index(after: colon)...]
        guard !port.contains(":") else { return HostAddress.isIPv6(netloc) ? (netloc[...], nil) : nil }
        return (host, port)
    }
}
