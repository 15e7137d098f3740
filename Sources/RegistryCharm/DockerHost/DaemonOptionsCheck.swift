public import JujuKit

/// Checks the operator's `daemon-opts` object for what dockerd would refuse, before anything is written.
///
/// Only keys the charm knows are checked (those `docker-opts` flags map to, plus `hosts`, `insecure-registries`
/// and `log-opts`); any other key is passed to dockerd as given.
public enum DaemonOptionsCheck {
    /// One lower-case sentence per key dockerd would refuse, naming the key; empty when every known key is usable.
    public static func problems(_ options: [String: JSONValue]) -> [String] {
        var problems: [String] = []
        for key in options.keys.sorted() {
            guard let value = options[key], let problem = problem(key: key, value: value, in: options) else {
                continue
            }
            problems.append("key '\(key)' \(problem)")
        }
        return problems
    }

    private static func problem(key: String, value: JSONValue, in options: [String: JSONValue]) -> String? {
        switch key {
        case "hosts":
            let hosts = value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue ?? ""]
            let verified =
                options["tlsverify"]?.boolValue == true
                && ["tlscacert", "tlscert", "tlskey"].allSatisfy { !(options[$0]?.stringValue ?? "").isEmpty }
            if hosts.contains(where: { $0.hasPrefix("tcp://") }) && !verified {
                return "would expose the docker engine on the network without TLS verification: remove it"
            }
            return "cannot be applied: docker.service passes -H fd:// and dockerd refuses a key that is also a flag"
        case "insecure-registries":
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                return "must be a list of strings such as [\"10.0.0.1:5000\"]"
            }
            if let bad = list.compactMap(\.stringValue).first(where: {
                $0.isEmpty || $0.contains("://") || $0.contains(where: \.isWhitespace)
            }) {
                return "entry '\(bad)' must be host[:port] or a cidr, without a scheme"
            }
            return nil
        case "log-level":
            guard let level = value.stringValue, DockerOptsTranslator.logLevels.contains(level) else {
                return "must be one of " + DockerOptsTranslator.logLevels.joined(separator: ", ")
            }
            return nil
        default:
            return shapeProblem(key: key, value: value)
        }
    }

    /// Whether `value` has the JSON shape dockerd expects for `key`.
    private static func shapeProblem(key: String, value: JSONValue) -> String? {
        let kind: DockerOptsTranslator.Kind? =
            switch key {
            case "log-opts": .keyValueMap
            case "default-runtime": .string
            default: DockerOptsTranslator.keyKinds[key]
            }
        switch kind {
        case nil: return nil
        case .string: return value.stringValue == nil ? "must be a string" : nil
        case .integer: return value.intValue == nil ? "must be a whole number" : nil
        case .boolean: return value.boolValue == nil ? "must be true or false" : nil
        case .list:
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                return "must be a list of strings"
            }
            return nil
        case .keyValueMap:
            guard let map = value.objectValue, map.values.allSatisfy({ $0.stringValue != nil }) else {
                return "must be an object whose values are strings, e.g. {\"max-file\": \"100\"}"
            }
            return nil
        }
    }
}
