import JujuKit

/// juju/cmd's output formatters: `smart`, `yaml` and `json`.
enum OutputFormat: String, Sendable {
    /// Strings raw, lists one per line, bools `True`/`False`, the rest YAML.
    case smart
    /// yaml.v2.
    case yaml
    /// encoding/json.
    case json

    /// Renders a value; `nil` means Go `nil` (nothing in smart and yaml, `null` in json); `order` gives the field
    /// order of maps Go prints from structs.
    func render(_ value: JSONValue?, order: KeyOrder? = nil) -> String {
        switch self {
        case .json:
            return GoJSON.encode(value ?? .null, order: order) + "\n"
        case .yaml:
            guard let value, value != .null else { return "" }
            return YAMLv2Emitter.emit(value, order: order)
        case .smart:
            guard let value, value != .null else { return "" }
            switch value {
            case .string(let text): return text.isEmpty ? "" : text + "\n"
            case .bool(let flag): return flag ? "True\n" : "False\n"
            case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
                return items.compactMap(\.stringValue).map { $0 + "\n" }.joined()
            default: return YAMLv2Emitter.emit(value, order: order)
            }
        }
    }
}
