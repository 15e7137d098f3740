import JujuKit
import Yams

/// Parses YAML documents into ``JSONValue`` with yaml.v2's scalar resolution.
enum YAMLReader {
    /// Parses `text`; an empty document is `.null`.
    static func parse(_ text: String, source: String) throws -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw SimError("cannot parse \(source): \(error)")
        }
        guard let node else { return .null }
        return convert(node)
    }

    private static func convert(_ node: Node) -> JSONValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let tag = Optional(scalar.tag.description), tag == "tag:yaml.org,2002:str" {
                    return .string(scalar.string)
                }
                return YAMLScalar.resolve(scalar.string)
            }
            return .string(scalar.string)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                let name: String
                if case .scalar(let scalar) = key { name = scalar.string } else { name = "\(key)" }
                members[name] = convert(value)
            }
            return .object(members)
        case .sequence(let sequence):
            return .array(sequence.map(convert))
        case .alias(let alias):
            return .string("*\(alias)")
        }
    }
}
