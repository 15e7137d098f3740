import Foundation
import JujuKit

/// What the simulator reads from a charm directory: metadata, config options and action schemas.
struct CharmSpec: Sendable {
    /// An endpoint from metadata.yaml.
    struct Endpoint: Sendable {
        /// Endpoint name.
        var name: String
        /// Interface.
        var interface: String
        /// `provides`, `requires` or `peers`.
        var role: String
        /// `global` or `container`.
        var scope: String
    }

    /// A config option.
    struct Option: Sendable {
        /// `string`, `int`, `float`, `boolean` or `secret`.
        var type: String
        /// The default (nil when absent).
        var defaultValue: JSONValue?
    }

    /// Charm name.
    var name: String
    /// Endpoints, in metadata order.
    var endpoints: [Endpoint]
    /// extra-bindings names.
    var extraBindings: [String]
    /// Config options.
    var options: [String: Option]
    /// Action schemas, already wrapped the way Juju wraps them.
    var actions: [String: JSONValue]

    /// Peer endpoints.
    var peers: [Endpoint] { endpoints.filter { $0.role == "peers" } }

    /// Loads the spec from a charm directory.
    init(directory: String) throws {
        func read(_ file: String) throws -> JSONValue? {
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else { return nil }
            return try YAMLReader.parse(String(decoding: data, as: UTF8.self), source: file)
        }
        guard let metadata = try read("metadata.yaml")?.objectValue else {
            throw SimError("charm missing from disk: no metadata.yaml in \(directory)")
        }
        guard let name = metadata["name"]?.stringValue else { throw SimError("metadata.yaml: missing name") }
        self.name = name
        var endpoints: [Endpoint] = []
        for role in ["provides", "requires", "peers"] {
            for (endpoint, spec) in (metadata[role]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if endpoint == "juju" || endpoint.hasPrefix("juju-") {
                    throw SimError("metadata.yaml: endpoint \"\(endpoint)\" uses a reserved name")
                }
                let interface = spec.objectValue?["interface"]?.stringValue ?? spec.stringValue ?? ""
                let scope = spec.objectValue?["scope"]?.stringValue ?? "global"
                guard scope == "global" || scope == "container" else {
                    throw SimError("metadata.yaml: endpoint \"\(endpoint)\" has invalid scope \"\(scope)\"")
                }
                endpoints.append(Endpoint(name: endpoint, interface: interface, role: role, scope: scope))
            }
        }
        self.endpoints = endpoints
        self.extraBindings = (metadata["extra-bindings"]?.objectValue ?? [:]).keys.sorted()
        self.options = try Self.parseOptions(try read("config.yaml"))
        self.actions = try Self.parseActions(try read("actions.yaml"))
    }

    private static func parseOptions(_ document: JSONValue?) throws -> [String: Option] {
        guard let document, document != .null else { return [:] }
        guard let options = document.objectValue?["options"]?.objectValue else {
            throw SimError("invalid config: empty configuration")
        }
        var result: [String: Option] = [:]
        for (name, spec) in options {
            let fields = spec.objectValue ?? [:]
            let type = fields["type"]?.stringValue ?? "string"
            guard ["string", "int", "float", "boolean", "secret"].contains(type) else {
                throw SimError("invalid config: option \"\(name)\" has unknown type \"\(type)\"")
            }
            var defaultValue: JSONValue? = nil
            if let raw = fields["default"], raw != .null {
                guard let coerced = ConfigCoercion.coerce(raw, to: type) else {
                    throw SimError("invalid config: option \"\(name)\" has bad default for type \(type)")
                }
                defaultValue = coerced
            }
            result[name] = Option(type: type, defaultValue: defaultValue)
        }
        return result
    }

    private static func parseActions(_ document: JSONValue?) throws -> [String: JSONValue] {
        guard let document, document != .null else { return [:] }
        guard let actions = document.objectValue else { throw SimError("actions.yaml: expected a map of actions") }
        var result: [String: JSONValue] = [:]
        for (name, spec) in actions {
            let fields = spec.objectValue ?? [:]
            var schema: [String: JSONValue] = [
                "type": "object",
                "title": .string(name),
                "description": fields["description"] ?? "",
                "properties": fields["params"] ?? .object([:]),
                "additionalProperties": fields["additionalProperties"] ?? false,
            ]
            if let required = fields["required"] { schema["required"] = required }
            result[name] = .object(schema)
        }
        return result
    }
}

/// Converts config values to an option's type, the way `juju config` does.
enum ConfigCoercion {
    /// The value in the option's type, or nil if it cannot be converted.
    static func coerce(_ value: JSONValue, to type: String) -> JSONValue? {
        switch (type, value) {
        case ("string", .string): return value
        case ("secret", .string(let text)):
            // Juju's secret checker: empty, or a URI with the `secret` scheme (the secret need not exist).
            return text.isEmpty || text.hasPrefix("secret:") ? value : nil
        case ("string", .int(let number)): return .string(String(number))
        case ("string", .double(let number)): return .string(GoFloat.formatG(number))
        case ("string", .bool(let flag)): return .string(flag ? "true" : "false")
        case ("int", .int): return value
        case ("int", .double(let number)) where number.rounded() == number: return .int(Int(number))
        case ("int", .string(let text)): return Int(text).map(JSONValue.int)
        case ("float", .int(let number)): return .double(Double(number))
        case ("float", .double): return value
        case ("float", .string(let text)): return Double(text).map(JSONValue.double)
        case ("boolean", .bool): return value
        case ("boolean", .string(let text)):
            if case .bool(let flag) = YAMLScalar.resolve(text) { return .bool(flag) }
            return nil
        default: return nil
        }
    }
}
