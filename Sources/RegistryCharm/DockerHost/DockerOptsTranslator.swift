public import JujuKit

/// Maps the legacy `docker-opts` flags onto `daemon.json` keys.
///
/// The original charm passed `docker-opts` to dockerd on its command line (`/etc/default/docker`). This charm owns
/// `daemon.json` instead, so each flag that has a `daemon.json` equivalent becomes that key. A flag the charm cannot
/// apply (unknown, without its value, with a value dockerd would refuse, or exposing the engine on TCP without TLS
/// verification) is a problem that blocks the unit; a flag that is harmless to leave out (dockerd's own socket,
/// TLS settings of a TCP listener the charm does not manage) is reported as ignored.
public enum DockerOptsTranslator {
    /// The outcome of a translation.
    public struct Result: Sendable, Equatable {
        /// The `daemon.json` keys the flags stand for.
        public var options: [String: JSONValue]
        /// One lower-case sentence per flag that cannot be applied, naming the flag: the unit must block.
        public var problems: [String]
        /// One lower-case sentence per flag that is accepted but left out, naming the flag: log these.
        public var ignored: [String]
    }

    /// The JSON shape a `daemon.json` key takes.
    enum Kind {
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

    /// The kind of each `daemon.json` key a flag maps to, for checking `daemon-opts` too.
    static let keyKinds: [String: Kind] = Dictionary(
        flags.values.map { ($0.key, $0.kind) },
        uniquingKeysWith: { first, _ in first }
    )

    /// The log levels dockerd accepts.
    static let logLevels = ["debug", "info", "warn", "error", "fatal"]

    /// The flags of dockerd's TLS listener: with `-H tcp://` they decide whether the engine is verified.
    private static let tlsFlags: Set<String> = ["tls", "tlsverify", "tlscacert", "tlscert", "tlskey"]

    private static let shortFlags: [String: String] = [
        "D": "debug", "l": "log-level", "g": "graph", "s": "storage-driver", "b": "bridge", "H": "host",
    ]

    /// Translates `dockerOpts`, such as `--insecure-registry 10.0.0.1:5000 --debug`.
    public static func translate(_ dockerOpts: String) -> Result {
        var result = Result(options: [:], problems: [], ignored: [])
        var hosts: [(shown: String, value: String)] = []
        var tls: [String: String] = [:]
        var tokens = tokenize(dockerOpts)[...]
        while let token = tokens.popFirst() {
            guard token.hasPrefix("-"), token != "-", token != "--" else {
                result.problems.append("'\(token)' is not a flag: dockerd options start with '-', e.g. --debug")
                continue
            }
            var name = String(token.drop(while: { $0 == "-" }))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if !token.hasPrefix("--"), let long = shortFlags[name] { name = long }
            let shown = token.hasPrefix("--") ? "--\(name)" : token.split(separator: "=")[0].description
            if name == "host" || tlsFlags.contains(name) {
                let isBoolean = name == "tls" || name == "tlsverify"
                let value = isBoolean ? (inlineValue ?? "true") : (inlineValue ?? nextValue(&tokens))
                guard let value, !value.isEmpty else {
                    result.problems.append("'\(shown)' needs a value")
                    continue
                }
                if name == "host" { hosts.append((shown, value)) } else { tls[name] = value }
                continue
            }
            guard let (key, kind) = flags[name] else {
                result.problems.append(
                    "'\(shown)' is not a dockerd flag the charm can apply: remove it, or set its daemon.json key "
                        + "in daemon-opts"
                )
                // A following non-flag token is most likely this flag's value.
                if inlineValue == nil { _ = nextValue(&tokens) }
                continue
            }
            if kind == .boolean {
                switch inlineValue?.lowercased() {
                case nil, "true", "1": result.options[key] = .bool(true)
                case "false", "0": result.options[key] = .bool(false)
                case let other?: result.problems.append("'\(shown)=\(other)' is not a boolean: use true or false")
                }
                continue
            }
            guard let value = inlineValue ?? nextValue(&tokens), !value.isEmpty else {
                result.problems.append("'\(shown)' needs a value")
                continue
            }
            if let problem = problem(flag: shown, key: key, kind: kind, value: value) {
                result.problems.append(problem)
                continue
            }
            add(value, key: key, kind: kind, to: &result.options)
        }
        hostProblems(hosts, tls: tls, into: &result)
        return result
    }

    /// The next token when it is a value (does not start with `-`).
    private static func nextValue(_ tokens: inout ArraySlice<String>) -> String? {
        guard let next = tokens.first, !next.hasPrefix("-") else { return nil }
        return tokens.popFirst()
    }

    /// Why `value` cannot be given to `flag`, or `nil` when dockerd would take it.
    private static func problem(flag: String, key: String, kind: Kind, value: String) -> String? {
        switch kind {
        case .integer:
            return Int(value) == nil ? "'\(flag) \(value)' is not a number" : nil
        case .keyValueMap:
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                return "'\(flag) \(value)' is not key=value"
            }
            return nil
        case .string where key == "log-level":
            guard logLevels.contains(value) else {
                return "'\(flag)=\(value)' is not a log level: use " + logLevels.joined(separator: ", ")
            }
            return nil
        case .list where key == "insecure-registries":
            guard !value.contains("://"), !value.contains(where: \.isWhitespace) else {
                return "'\(flag) \(value)' must be host[:port] or a cidr, without a scheme"
            }
            return nil
        default:
            return nil
        }
    }

    private static func add(_ value: String, key: String, kind: Kind, to options: inout [String: JSONValue]) {
        switch kind {
        case .string: options[key] = .string(value)
        case .integer: options[key] = Int(value).map(JSONValue.int)
        case .list: options[key] = .array((options[key]?.arrayValue ?? []) + [.string(value)])
        case .keyValueMap:
            guard let equals = value.firstIndex(of: "=") else { return }
            var map = options[key]?.objectValue ?? [:]
            map[String(value[..<equals])] = .string(String(value[value.index(after: equals)...]))
            options[key] = .object(map)
        case .boolean: break
        }
    }

    /// `-H`: the local socket is dockerd's already (ignored); TCP without TLS verification is refused; TCP with it
    /// cannot be expressed in `daemon.json` on a systemd unit that passes `-H fd://`, so it is ignored with a word.
    private static func hostProblems(
        _ hosts: [(shown: String, value: String)],
        tls: [String: String],
        into result: inout Result
    ) {
        let verified =
            ["true", "1"].contains(tls["tlsverify"]?.lowercased() ?? "false")
            && ["tlscacert", "tlscert", "tlskey"].allSatisfy { !(tls[$0] ?? "").isEmpty }
        var listensOnTCP = false
        for host in hosts {
            let shown = "\(host.shown) \(host.value)"
            if host.value.hasPrefix("fd://") || host.value.hasPrefix("unix://") {
                result.ignored.append("docker-opts: '\(shown)' is ignored: dockerd already listens on its local socket")
            } else if host.value.hasPrefix("tcp://") {
                listensOnTCP = true
                if verified {
                    result.ignored.append(
                        "docker-opts: '\(shown)' is ignored: docker.service passes -H fd:// and dockerd refuses "
                            + "hosts in daemon.json; add the TCP listener with a systemd drop-in"
                    )
                } else {
                    result.problems.append(
                        "'\(shown)' would expose the docker engine on the network without TLS verification: "
                            + "remove it, or add --tlsverify with --tlscacert, --tlscert and --tlskey"
                    )
                }
            } else {
                result.problems.append("'\(shown)' is not a docker host address (tcp://, unix:// or fd://)")
            }
        }
        if !listensOnTCP {
            for name in tls.keys.sorted() {
                result.ignored.append("docker-opts: '--\(name)' is ignored: it only applies to a -H tcp:// listener")
            }
        }
    }

    /// Joins words into a string ``tokenize(_:)`` splits back into the same words (quoting those with blanks).
    public static func join(_ words: [String]) -> String {
        words.map { word in
            guard word.isEmpty || word.contains(where: { " \t\n\r\"'".contains($0) }) else { return word }
            let quote = word.contains("\"") ? "'" : "\""
            return quote + word + quote
        }.joined(separator: " ")
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
