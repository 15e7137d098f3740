import JujuKit

/// Serialises a ``JSONValue`` byte for byte like Go's `json.Marshal` (sorted keys, HTML-safe escapes).
enum GoJSON {
    /// The compact JSON text of `value`, without a trailing newline; `order` gives struct field orders.
    static func encode(_ value: JSONValue, order: KeyOrder? = nil) -> String {
        var output = ""
        write(value, to: &output, order: order, path: [])
        return output
    }

    private static func write(_ value: JSONValue, to output: inout String, order: KeyOrder?, path: [String]) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += GoFloat.formatJSON(number)
        case .string(let text): writeString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                write(item, to: &output, order: order, path: path)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let byteOrder: (String, String) -> Bool = { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            let keys =
                order?.arrange(Array(members.keys), at: path, sorted: byteOrder) ?? members.keys.sorted(by: byteOrder)
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                writeString(key, to: &output)
                output += ":"
                write(members[key] ?? .null, to: &output, order: order, path: path + [key])
            }
            output += "}"
        }
    }

    /// Writes a quoted string with Go's escaping rules.
    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<", ">", "&", "\u{2028}", "\u{2029}":
                output += "\\u" + hex4(scalar.value)
            default:
                if scalar.value < 0x20 {
                    output += "\\u" + hex4(scalar.value)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
