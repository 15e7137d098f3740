import JujuKit

/// A small JSON-Schema (draft 4 subset) validator for action parameters, inserting defaults like Juju does.
enum ActionSchema {
    /// Validates `parameters` against `schema`, returning them with defaults inserted.
    static func validate(_ parameters: [String: JSONValue], schema: JSONValue) throws -> [String: JSONValue] {
        let value = try check(.object(parameters), schema: schema, path: "(root)")
        return value.objectValue ?? [:]
    }

    private static func fail(_ path: String, _ reason: String) -> SimError {
        SimError("validation failed: \(path) : \(reason)")
    }

    private static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("string", .string), ("boolean", .bool), ("array", .array), ("object", .object), ("null", .null),
            ("integer", .int), ("number", .int), ("number", .double):
            return true
        case ("integer", .double(let number)): return number.rounded() == number
        default: return false
        }
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }

    private static func check(_ value: JSONValue, schema: JSONValue, path: String) throws -> JSONValue {
        guard let rules = schema.objectValue else { return value }
        if let type = rules["type"] {
            let types = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            if !types.isEmpty && !types.contains(where: { matches(value, type: $0) }) {
                throw fail(path, "must be of type \(types.joined(separator: ", ")), given \(GoJSON.encode(value))")
            }
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(where: { equal($0, value) }) {
            throw fail(
                path,
                "must be one of the following: " + options.map { GoJSON.encode($0) }.joined(separator: ", ")
            )
        }
        if let given = number(value) {
            if let minimum = rules["minimum"].flatMap(number), given < minimum {
                throw fail(path, "must be greater than or equal to \(GoJSON.encode(rules["minimum"] ?? .null))")
            }
            if let maximum = rules["maximum"].flatMap(number), given > maximum {
                throw fail(path, "must be less than or equal to \(GoJSON.encode(rules["maximum"] ?? .null))")
            }
        }
        if case .string(let text) = value {
            if let minimum = rules["minLength"]?.intValue, text.count < minimum {
                throw fail(path, "string length must be greater than or equal to \(minimum)")
            }
            if let maximum = rules["maxLength"]?.intValue, text.count > maximum {
                throw fail(path, "string length must be less than or equal to \(maximum)")
            }
        }
        if case .array(let items) = value, let itemSchema = rules["items"] {
            return .array(try items.enumerated().map { try check($1, schema: itemSchema, path: "\(path).\($0)") })
        }
        guard case .object(var members) = value else { return value }
        let properties = rules["properties"]?.objectValue ?? [:]
        for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            throw fail(path, "\(name) is required")
        }
        let additional = rules["additionalProperties"]
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            let child = path == "(root)" ? "(root).\(name)" : "\(path).\(name)"
            if let propertySchema = properties[name] {
                members[name] = try check(member, schema: propertySchema, path: child)
            } else if additional == .bool(false) {
                throw fail(path, "additional property \"\(name)\" is not allowed")
            } else if let additional, additional.objectValue != nil {
                members[name] = try check(member, schema: additional, path: child)
            }
        }
        for (name, propertySchema) in properties where members[name] == nil {
            if let defaultValue = propertySchema.objectValue?["default"] { members[name] = defaultValue }
        }
        return .object(members)
    }

    private static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = number(lhs), let right = number(rhs) { return left == right }
        return lhs == rhs
    }

    /// Parses `juju run`'s `k=v` arguments: YAML-typed values, dotted keys nest.
    static func parseArguments(_ arguments: [String], stringArgs: Bool) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw SimError("argument \"\(argument)\" must be of the form key...=value")
            }
            let key = argument[..<equals]
            let raw = String(argument[argument.index(after: equals)...])
            var value: JSONValue = .string(raw)
            if !stringArgs {
                value = try YAMLReader.parse(raw, source: "value of \(key)")
                if raw.isEmpty { value = .string("") }
            }
            let segments = key.split(separator: ".").map(String.init)
            result = insert(value, at: segments[...], into: result)
        }
        return result
    }

    private static func insert(_ value: JSONValue, at path: ArraySlice<String>, into map: [String: JSONValue])
        -> [String: JSONValue]
    {
        var map = map
        guard let head = path.first else { return map }
        if path.count == 1 {
            map[head] = value
        } else {
            map[head] = .object(insert(value, at: path.dropFirst(), into: map[head]?.objectValue ?? [:]))
        }
        return map
    }
}
