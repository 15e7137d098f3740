import FoundationEssentials

extension RegistryConfig {
    /// The first line of every rendered file.
    public static let header = "# Managed by Juju (docker-registry charm); changes are overwritten."

    /// The file's text: the header comment, then the configuration as pretty JSON with sorted keys.
    ///
    /// JSON is YAML, and every string is a double-quoted scalar, so no value can change the file's structure.
    /// Slashes are not escaped (Go's yaml.v2 refuses `\/`), and the few characters YAML treats as line breaks or
    /// forbids but JSON leaves raw are escaped as `\uXXXX` (`YAMLSafeJSON`).
    public func rendered() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            // Only strings, integers, booleans and containers of them: encoding cannot fail.
            fatalError("registry config could not be encoded: \(error)")
        }
        return Self.header + "\n" + YAMLSafeJSON.escape(String(decoding: data, as: UTF8.self)) + "\n"
    }
}

/// Makes JSON text safe for YAML parsers.
///
/// JSON leaves every character above U+001F raw inside strings. YAML 1.1 (Go's yaml.v2, what the registry uses)
/// reads U+0085, U+2028 and U+2029 as line breaks, which would fold a double-quoted value, and refuses DEL, the C1
/// controls, U+FEFF, U+FFFE and U+FFFF. Those characters only occur inside JSON strings, where `\uXXXX` means the same.
public enum YAMLSafeJSON {
    /// `json` with the characters above escaped.
    public static func escape(_ json: String) -> String {
        guard json.unicodeScalars.contains(where: needsEscape) else { return json }
        var result = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            guard needsEscape(scalar) else {
                result.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: true)
            let escaped = "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            result.append(contentsOf: escaped.unicodeScalars)
        }
        return String(result)
    }

    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}
