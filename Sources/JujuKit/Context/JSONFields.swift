/// A member of a JSON object that is not of the type asked for.
public struct JSONFieldError: Error, Equatable, CustomStringConvertible {
    /// The member's name.
    public var name: String
    /// What it should have been (`a string`, `an integer`, …).
    public var expected: String

    /// Creates the error for member `name`, which is not `expected`.
    public init(name: String, expected: String) {
        self.name = name
        self.expected = expected
    }

    /// `json member <name> is not <expected>`.
    public var description: String { "json member \(name) is not \(expected)" }
}

/// The members of a JSON object, read as typed optional fields.
///
/// A member that is absent or `null` reads as `nil`; one of another type is a ``JSONFieldError``, the way a
/// `Decodable` struct with optional properties reads it, but with JujuKit's own parser instead of `JSONDecoder`.
public struct JSONFields: Sendable, Equatable {
    /// The raw members.
    public let members: [String: JSONValue]

    /// The members of `value`, or `nil` when it is not an object.
    public init?(_ value: JSONValue) {
        guard let members = value.objectValue else { return nil }
        self.members = members
    }

    /// Parses `bytes` as one JSON object.
    ///
    /// - Throws: ``JSONParseError`` when the bytes are not JSON or not an object.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        guard let fields = JSONFields(try JSONValue(parsing: bytes)) else {
            throw JSONParseError(offset: 0, reason: "expected an object")
        }
        self = fields
    }

    /// Parses `text` as one JSON object.
    ///
    /// - Throws: ``JSONParseError`` when the text is not JSON or not an object.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: text.utf8)
    }

    /// The string member `name`.
    public func string(_ name: String) throws(JSONFieldError) -> String? {
        try field(name, "a string") { $0.stringValue }
    }

    /// The integer member `name` (a number with no fractional part).
    public func int(_ name: String) throws(JSONFieldError) -> Int? {
        try field(name, "an integer") { $0.intValue }
    }

    /// The member `name` that is an array of strings only.
    public func strings(_ name: String) throws(JSONFieldError) -> [String]? {
        try field(name, "an array of strings") { $0.stringsValue }
    }

    /// The member `name` that is an object.
    public func fields(_ name: String) throws(JSONFieldError) -> JSONFields? {
        try field(name, "an object") { JSONFields($0) }
    }

    /// The member `name` that is an array of objects only.
    public func fieldsArray(_ name: String) throws(JSONFieldError) -> [JSONFields]? {
        try field(name, "an array of objects") { value in
            value.arrayValue.flatMap { elements in
                let objects = elements.compactMap(JSONFields.init)
                return objects.count == elements.count ? objects : nil
            }
        }
    }

    private func field<Value>(_ name: String, _ expected: String, _ read: (JSONValue) -> Value?)
        throws(JSONFieldError) -> Value?
    {
        guard let value = members[name], !value.isNull else { return nil }
        guard let typed = read(value) else { throw JSONFieldError(name: name, expected: expected) }
        return typed
    }
}

extension JSONValue {
    /// The elements, if this is an array of strings only.
    public var stringsValue: [String]? {
        guard let elements = arrayValue else { return nil }
        let strings = elements.compactMap(\.stringValue)
        return strings.count == elements.count ? strings : nil
    }

    /// The members, each read by `member`, if this is an object and every member reads.
    public func objectValue<Member>(_ member: (JSONValue) -> Member?) -> [String: Member]? {
        guard let members = objectValue else { return nil }
        var read: [String: Member] = [:]
        for (name, value) in members {
            guard let typed = member(value) else { return nil }
            read[name] = typed
        }
        return read
    }
}
