public import JujuKit

/// Maps the legacy `docker-opts` flags onto `daemon.json` keys.
///
/// The original charm passed `docker-opts` to dockerd on its command line (`/etc/default/docker`). This charm owns
/// `daemon.json` instead, so each flag that has a `daemon.json` equivalent becomes that key; the others are reported
/// as warnings and dropped (a flag that dockerd does not know would stop it from starting).
public enum DockerOptsTranslator {
    /// The outcome of a translation.
    public struct Result: Sendable, Equatable {
        /// The `daemon.json` keys the flags stand for.
        public var options: [String: JSONValue]
        /// One lower-case sentence per flag that was dropped.
        public var warnings: [String]
    }

    private enum Kind {
        case string, integer, boolean, list, keyValueMap
    }

    /// The `daemon.json` key and kind of each long flag, named without its dashes.
    ///
    /// Short aliases are listed separately.
    private static let flags: [String: (key: String, kind: Kind)] = [
        "insecure-registry": ("insecure-registries", .list),
        "registry-mirror": ("registry-mirrors", .list),
        "allow-nondistributable-artifacts": ("allow-nondistributable-artifacts", .list),
        "label": ("labels", .list),
        "dns": ("dns", .list),
        "dns-opt": ("dns-opts", .list),
        "dns-search": ("dns-search", .list),
        "exec-opt": ("exec-opts", .list),
        "storage-opt": ("storage-opts", .list),
        "authorization-plugin": ("authorization-plugins", .list),
        "log-opt": ("log-opts", .keyValueMap),
        "debug": ("debug", .boolean),
        "live-restore": ("live-restore", .boolean),
        "experimental": ("experimental", .boolean),
        "icc": ("icc", .boolean),
        "iptables": ("iptables", .boolean),
        "ip6tables": ("ip6tables", .boolean),
        "ip-forward": ("ip-forward", .boolean),
        "ip-masq": ("ip-masq", .boolean),
        "ipv6": ("ipv6", .boolean),
        "userland-proxy": ("userland-proxy", .boolean),
        "selinux-enabled": ("selinux-enabled", .boolean),
        "no-new-privileges": ("no-new-privileges", .boolean),
        "init": ("init", .boolean),
        "log-level": ("log-level", .string),
        "log-driver": ("log-driver", .string),
        "data-root": ("data-root", .string),
        "graph": ("data-root", .string),
        "storage-driver": ("storage-driver", .string),
        "bip": ("bip", .string),
        "bridge": ("bridge", .string),
        "fixed-cidr": ("fixed-cidr", .string),
        "fixed-cidr-v6": ("fixed-cidr-v6", .string),
        "default-runtime": ("default-runtime", .string),
        "cgroup-parent": ("cgroup-parent", .string),
        "default-shm-size": ("default-shm-size", .string),
        "userns-remap": ("userns-remap", .string),
        "mtu": ("mtu", .integer),
        "max-concurrent-downloads": ("max-concurrent-downloads", .integer),
        "max-concurrent-uploads": ("max-concurrent-uploads", .integer),
        "max-download-attempts": ("max-download-attempts", .integer),
        "shutdown-timeout": ("shutdown-timeout", .integer),
    ]

    private static let shortFlags: [String: String] = [
        "D": "debug", "l": "log-level", "g": "graph", "s": "storage-driver", "b": "bridge",
    ]

    /// Translates `dockerOpts`, such as `--insecure-registry 10.0.0.1:5000 --debug`.
    public static func translate(_ dockerOpts: String) -> Result {
        var options: [String: JSONValue] = [:]
        var warnings: [String] = []
        var tokens = tokenize(dockerOpts)[...]
        while let token = tokens.popFirst() {
            guard token.hasPrefix("-"), token != "-", token != "--" else {
                warnings.append("docker-opts: '\(token)' is not a flag and is ignored")
                continue
            }
            var name = String(token.drop(while: { $0 == "-" }))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if !token.hasPrefix("--"), let long = shortFlags[name] { name = long }
            guard let (key, kind) = flags[name] else {
                warnings.append("docker-opts: '--\(name)' has no daemon.json equivalent and is ignored")
                // A following non-flag token is most likely this flag's value.
                if inlineValue == nil, let next = tokens.first, !next.hasPrefix("-") { tokens.removeFirst() }
                continue
            }
            if kind == .boolean {
                switch inlineValue?.lowercased() {
                case nil, "true", "1": options[key] = .bool(true)
                case "false", "0": options[key] = .bool(false)
                case let other?: warnings.append("docker-opts: '--\(name)=\(other)' is not a boolean and is ignored")
                }
                continue
            }
            guard let value = inlineValue ?? tokens.popFirst() else {
                warnings.append("docker-opts: '--\(name)' needs a value and is ignored")
                continue
            }
            switch kind {
            case .string:
                options[key] = .string(value)
            case .integer:
                if let number = Int(value) {
                    options[key] = .int(number)
                } else {
                    warnings.append("docker-opts: '--\(name) \(value)' is not a number and is ignored")
                }
            case .list:
                let existing = options[key]?.arrayValue ?? []
                options[key] = .array(existing + [.string(value)])
            case .keyValueMap:
                guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                    warnings.append("docker-opts: '--\(name) \(value)' is not key=value and is ignored")
                    continue
                }
                var map = options[key]?.objectValue ?? [:]
                map[String(value[..<equals])] = .string(String(value[value.index(after: equals)...]))
                options[key] = .object(map)
            case .boolean:
                break
            }
        }
        return Result(options: options, warnings: warnings)
    }

    /// Splits on blanks, honouring single and double quotes (no escapes, no expansion).
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var inToken = false
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inToken = true
            } else if character == " " || character == "\t" || character == "\n" || character == "\r" {
                if inToken { tokens.append(current) }
                current = ""
                inToken = false
            } else {
                current.append(character)
                inToken = true
            }
        }
        if inToken { tokens.append(current) }
        return tokens
    }
}
