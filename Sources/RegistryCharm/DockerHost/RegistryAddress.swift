/// Checks registry addresses before they become paths (`certs.d/<netloc>`) or `daemon.json` entries.
public enum RegistryAddress {
    /// Throws unless `netloc` is `host`, `host:port` or `[v6]:port`: letters, digits, `.`, `-`, `_`, `:`, `[`, `]`.
    ///
    /// This keeps `certs.d/<netloc>` inside `certs.d` (no `/`, no `..`) and keeps schemes out of `daemon.json`.
    public static func validate(_ netloc: String) throws(DockerHostError) {
        let allowed = netloc.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "_", ":", "[", "]": return true
            default: return false
            }
        }
        guard allowed, !netloc.isEmpty, netloc.count <= 261, !netloc.hasPrefix("."), !netloc.contains("..") else {
            throw .invalidNetloc(netloc)
        }
    }
}
