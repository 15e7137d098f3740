import JujuKit

/// Relation and state settings from a parsed YAML map, the way Juju reads `--file` payloads.
enum SettingsMap {
    /// Each value as the string Juju would store: scalars printed as Go prints them, `null` kept as `nil` (a
    /// deletion), lists and maps as JSON.
    static func strings(from members: [String: JSONValue]) -> [String: String?] {
        var result: [String: String?] = [:]
        for (key, value) in members {
            switch value {
            case .null: result[key] = .some(nil)
            case .string(let text): result[key] = text
            case .int(let number): result[key] = String(number)
            case .double(let number): result[key] = GoFloat.formatG(number)
            case .bool(let flag): result[key] = flag ? "true" : "false"
            default: result[key] = GoJSON.encode(value)
            }
        }
        return result
    }
}
