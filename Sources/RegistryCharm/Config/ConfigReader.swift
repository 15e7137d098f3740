import JujuKit

/// Reads typed option values out of `config-get` output, falling back to the defaults of `CharmOptions` and
/// collecting a `ConfigProblem` for each value of the wrong JSON type instead of failing.
struct ConfigReader {
    /// The options as `config-get --format=json` printed them.
    let options: [String: JSONValue]
    /// What the hook read of the options of `type: secret`, by option name.
    let secretContents: [String: SecretOptionContent]
    /// The application's name, for the `juju grant-secret` command in messages.
    let applicationName: String
    /// Values of plain options that a credentials secret stands in for (see ``SecretOption``).
    private(set) var overrides: [String: String] = [:]
    /// Problems found so far, in the order they were found.
    private(set) var problems: [ConfigProblem] = []
    /// What the operator should know about a valid configuration, such as which of two options wins.
    private(set) var notices: [String] = []

    init(
        options: [String: JSONValue],
        secrets: [String: SecretOptionContent] = [:],
        applicationName: String = "docker-registry"
    ) {
        self.options = options
        self.secretContents = secrets
        self.applicationName = applicationName
        overrides = secretOverrides()
        for (plain, _) in overrides.sorted(by: { $0.key < $1.key })
        where !(options[plain]?.stringValue ?? "").trimmingWhitespace.isEmpty {
            let secret = SecretOption.allCases.first { $0.replacedOptions.contains { $0.option == plain } }
            notice("\(secret?.rawValue ?? "a secret option") wins over \(plain), which is ignored")
        }
    }

    /// Records a problem for `option`, at most one per option (the first one found wins).
    mutating func report(_ option: String, _ message: String) {
        guard !problems.contains(where: { $0.option == option }) else { return }
        problems.append(ConfigProblem(option: option, message: message))
    }

    /// Records a notice (logged when it changes, never a problem).
    mutating func notice(_ text: String) {
        notices.append(text)
    }

    /// Whether a problem was already recorded for `option`.
    func hasProblem(_ option: String) -> Bool {
        problems.contains { $0.option == option }
    }

    /// The raw value (a credentials secret's value for the plain option it replaces), or the option's default when
    /// it is missing or `null`.
    func raw(_ option: String) -> JSONValue {
        if let value = overrides[option] { return .string(value) }
        if let value = options[option], value != .null { return value }
        return CharmOptions.spec(option)?.defaultValue ?? .null
    }

    /// A string option; `null` (no default) reads as "".
    mutating func string(_ option: String) -> String {
        switch raw(option) {
        case .null: return ""
        case .string(let value): return value
        case let other:
            report(option, "must be a string, not \(Self.kind(of: other)): set a text value")
            return CharmOptions.spec(option)?.defaultValue.stringValue ?? ""
        }
    }

    /// A string option with surrounding white space removed; "" reads as `nil`.
    mutating func trimmed(_ option: String) -> String? {
        let value = string(option).trimmingWhitespace
        return value.isEmpty ? nil : value
    }

    /// An `int` option; JSON numbers without a fractional part are accepted.
    mutating func int(_ option: String) -> Int {
        let value = raw(option)
        if let number = value.intValue { return number }
        report(option, "must be a whole number, not \(Self.kind(of: value)): set an integer")
        return CharmOptions.spec(option)?.defaultValue.intValue ?? 0
    }

    /// A `boolean` option.
    mutating func bool(_ option: String) -> Bool {
        let value = raw(option)
        if let flag = value.boolValue { return flag }
        report(option, "must be true or false, not \(Self.kind(of: value)): set a boolean")
        return CharmOptions.spec(option)?.defaultValue.boolValue ?? false
    }

    /// How a JSON value is described in a message (never its content, which may be secret).
    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "a number"
        case .double(let number): return number.rounded() == number ? "a number out of range" : "a fractional number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
