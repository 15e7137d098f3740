public import FoundationEssentials

/// An action's parameters as `action-get` returned them (Juju validated them against `actions.yaml` and filled in
/// the defaults).
///
/// Every accessor fails with a sentence rather than crashing: a parameter of the wrong type, or a string with a
/// control character (a newline can smuggle a second line into a log or a docker argument), is an `action-fail`.
public struct ActionParameters: Sendable {
    /// The raw values.
    public let values: [String: JSONValue]

    /// Wraps the values `action-get` returned.
    public init(_ values: [String: JSONValue]) {
        self.values = values
    }

    /// The string parameter `name`, `""` when absent, trimmed of surrounding spaces.
    ///
    /// - Throws: ``ActionFailure`` when it is not a string or holds a control character.
    public func string(_ name: String) throws(ActionFailure) -> String {
        switch values[name] {
        case nil, .null: return ""
        case .string(let text):
            guard !text.unicodeScalars.contains(where: Self.isControl) else {
                throw ActionFailure("The \(name) parameter must be one line without control characters.")
            }
            return text.trimmingWhitespace()
        default:
            throw ActionFailure("The \(name) parameter must be a string.")
        }
    }

    /// The string parameter `name` that may span lines (a list), `""` when absent, trimmed.
    ///
    /// - Throws: ``ActionFailure`` when it is not a string or holds a control character other than newline and tab.
    public func multiLineString(_ name: String) throws(ActionFailure) -> String {
        switch values[name] {
        case nil, .null: return ""
        case .string(let text):
            guard !text.unicodeScalars.contains(where: { Self.isControl($0) && $0 != "\n" && $0 != "\t" }) else {
                throw ActionFailure("The \(name) parameter must hold no control characters other than newlines.")
            }
            return text.trimmingWhitespace()
        default:
            throw ActionFailure("The \(name) parameter must be a string.")
        }
    }

    /// The boolean parameter `name`, `defaultValue` when absent.
    ///
    /// - Throws: ``ActionFailure`` when it is not a boolean.
    public func bool(_ name: String, default defaultValue: Bool) throws(ActionFailure) -> Bool {
        switch values[name] {
        case nil, .null: return defaultValue
        case .bool(let flag): return flag
        default: throw ActionFailure("The \(name) parameter must be true or false.")
        }
    }

    /// The integer parameter `name`, `defaultValue` when absent.
    ///
    /// - Throws: ``ActionFailure`` when it is not a whole number.
    public func integer(_ name: String, default defaultValue: Int) throws(ActionFailure) -> Int {
        switch values[name] {
        case nil, .null: return defaultValue
        case let value?:
            guard let number = value.intValue else {
                throw ActionFailure("The \(name) parameter must be a whole number.")
            }
            return number
        }
    }

    /// The parameters decoded as `type` (keys as in `actions.yaml`), after the control-character check of every
    /// string.
    ///
    /// - Throws: ``ActionFailure`` naming the parameter that does not fit.
    public func decode<Parameters: Decodable>(_ type: Parameters.Type) throws(ActionFailure) -> Parameters {
        for (name, value) in values {
            if case .string = value { _ = try string(name) }
        }
        do {
            let data = try JSONEncoder().encode(values)
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ActionFailure(Self.sentence(for: error))
        } catch {
            throw ActionFailure("The parameters could not be read: \(error).")
        }
    }

    private static func sentence(for error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "The \(path(context.codingPath)) parameter must be a \(typeName(type))."
        case .valueNotFound(_, let context), .dataCorrupted(let context):
            return "The \(path(context.codingPath)) parameter is missing or unreadable."
        case .keyNotFound(let key, _):
            return "The \(key.stringValue) parameter is required."
        @unknown default:
            return "The parameters could not be read."
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static func typeName(_ type: Any.Type) -> String {
        if type == Bool.self { return "boolean (true or false)" }
        if type == String.self { return "string" }
        if type == Int.self { return "whole number" }
        return "\(type)".lowercased()
    }

    /// Control characters: C0, DEL and C1 (newlines and tabs included).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
