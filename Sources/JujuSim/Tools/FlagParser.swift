/// One flag a tool accepts: its names (short and long) and whether it takes a value.
struct FlagSpec: Sendable {
    /// Names without dashes; the last one is the canonical name.
    var names: [String]
    /// Whether the flag takes a value (else it is boolean).
    var takesValue: Bool

    /// A flag taking a value.
    static func value(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: true) }
    /// A boolean flag.
    static func bool(_ names: String...) -> FlagSpec { FlagSpec(names: names, takesValue: false) }

    /// The canonical name.
    var canonical: String { names.last ?? "" }
}

/// The result of parsing a tool's argv the way juju/gnuflag does.
struct ParsedArguments: Sendable {
    /// Flag values by canonical name (booleans as `true`/`false`).
    var values: [String: String] = [:]
    /// How each flag was spelled on the command line (for messages).
    var spelled: [String: String] = [:]
    /// Positional arguments in order.
    var positionals: [String] = []

    /// A value flag's value.
    func value(_ name: String) -> String? { values[name] }
    /// A boolean flag's value.
    func flag(_ name: String) -> Bool { values[name] == "true" }
}

/// A gnuflag-compatible parser: `--f v`, `--f=v`, `-r3`, `-r 3`, `-r=3`, bundled shorts, interspersed
/// positionals, `--` to end flags, `--bool=True|False`, and `-h`/`--help`.
enum FlagParser {
    /// Parses `arguments` against `specs`.
    static func parse(_ arguments: [String], specs: [FlagSpec]) throws(ToolError) -> ParsedArguments {
        var result = ParsedArguments()
        var index = 0
        var flagsEnded = false
        func spec(named name: String) -> FlagSpec? { specs.first { $0.names.contains(name) } }
        func assign(_ spec: FlagSpec, spelled: String, value: String?) throws(ToolError) {
            result.spelled[spec.canonical] = spelled
            if spec.takesValue {
                guard let value else { throw .usage("flag needs an argument: \(spelled)") }
                result.values[spec.canonical] = value
            } else if let value {
                guard let flag = parseBool(value) else {
                    throw .usage("invalid value \"\(value)\" for flag \(spelled): parse error")
                }
                result.values[spec.canonical] = flag ? "true" : "false"
            } else {
                result.values[spec.canonical] = "true"
            }
        }
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if flagsEnded || argument == "-" || !argument.hasPrefix("-") {
                result.positionals.append(argument)
                continue
            }
            if argument == "--" {
                flagsEnded = true
                continue
            }
            if argument.hasPrefix("--") {
                let body = argument.dropFirst(2)
                let name: String
                var value: String?
                if let equals = body.firstIndex(of: "=") {
                    name = String(body[..<equals])
                    value = String(body[body.index(after: equals)...])
                } else {
                    name = String(body)
                }
                if name == "help" || name == "h" { throw .help }
                guard let flag = spec(named: name), name.count > 1 || flag.names.count == 1 else {
                    throw .usage("flag provided but not defined: --\(name)")
                }
                if flag.takesValue && value == nil {
                    guard index < arguments.count else { throw .usage("flag needs an argument: --\(name)") }
                    value = arguments[index]
                    index += 1
                }
                try assign(flag, spelled: "--\(name)", value: value)
                continue
            }
            var letters = Substring(argument.dropFirst())
            while let letter = letters.first {
                letters = letters.dropFirst()
                let name = String(letter)
                if name == "h" { throw .help }
                guard let flag = spec(named: name), name.count == 1 else {
                    throw .usage("flag provided but not defined: -\(name)")
                }
                if flag.takesValue {
                    var value: String
                    if letters.isEmpty {
                        guard index < arguments.count else { throw .usage("flag needs an argument: -\(name)") }
                        value = arguments[index]
                        index += 1
                    } else {
                        value = String(letters.first == "=" ? letters.dropFirst() : letters)
                    }
                    letters = ""
                    try assign(flag, spelled: "-\(name)", value: value)
                } else if letters.first == "=" {
                    try assign(flag, spelled: "-\(name)", value: String(letters.dropFirst()))
                    letters = ""
                } else {
                    try assign(flag, spelled: "-\(name)", value: nil)
                }
            }
        }
        return result
    }

    /// Go's `strconv.ParseBool`.
    static func parseBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": return true
        case "0", "f", "F", "FALSE", "false", "False": return false
        default: return nil
        }
    }
}
