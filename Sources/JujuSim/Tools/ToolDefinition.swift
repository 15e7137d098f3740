import JujuKit

/// What a tool prints.
enum ToolPrint: Sendable {
    /// Nothing (tools without `--format`).
    case nothing
    /// A value rendered by the chosen formatter (`nil` = Go nil).
    case value(JSONValue?)
    /// Different values for json and the other formats (Go's typed-nil map).
    case split(json: JSONValue?, other: JSONValue?)
    /// A value whose maps Go prints from structs, with their field order.
    case ordered(JSONValue, KeyOrder)
}

/// One hook tool invocation in progress.
struct ToolCall {
    /// Parsed arguments.
    var arguments: ParsedArguments
    /// The hook context (mutations are saved back).
    var context: ToolContext
    /// Whether the context was changed.
    var changed = false
    /// Extra stderr text (warnings).
    var warnings = ""
    /// Reads all of stdin.
    var readStdin: () -> String
    /// Reads a file relative to the hook's cwd.
    var readFile: (String) -> String?
    /// Reads a file's bytes, as the unit agent reads `key#file=` paths (relative to the hook's cwd here).
    var readBytes: (String) -> [UInt8]? = { _ in nil }

    /// Positional arguments.
    var positionals: [String] { arguments.positionals }

    /// Fails with `not running an action` outside actions.
    func requireAction() throws(ToolError) -> ContextAction {
        guard let action = context.action else { throw .runtime("not running an action") }
        return action
    }

    /// The relation selected by `-r` or the hook's relation; nil when neither.
    func selectedRelationIndex() throws(ToolError) -> Int? {
        if let raw = arguments.value("relation") {
            let spelled = arguments.spelled["relation"] ?? "-r"
            let digits = raw.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? raw
            guard let id = Int(digits) else {
                throw .usage("invalid value \"\(raw)\" for flag \(spelled): invalid relation id")
            }
            guard let index = context.relations.firstIndex(where: { $0.id == id }) else {
                throw .usage("invalid value \"\(raw)\" for flag \(spelled): relation not found")
            }
            return index
        }
        guard let id = context.relationID else { return nil }
        return context.relations.firstIndex { $0.id == id }
    }

    /// The relation selected by `-r` or the hook's relation, or `no relation id specified`.
    func requiredRelationIndex() throws(ToolError) -> Int {
        guard let index = try selectedRelationIndex() else { throw .usage("no relation id specified") }
        return index
    }
}

/// A hook tool: name, flags, output formats and behaviour.
struct ToolDefinition: Sendable {
    /// The command name (`config-get`, …).
    var name: String
    /// The usage line printed by `-h`.
    var usage: String
    /// Accepted flags (besides `--format`/`-o` when `formats` is non-empty).
    var flags: [FlagSpec]
    /// Accepted formats, first is the default; empty when the tool prints nothing.
    var formats: [OutputFormat]
    /// The behaviour.
    var run: @Sendable (inout ToolCall) throws(ToolError) -> ToolPrint

    /// A tool.
    init(
        _ name: String,
        usage: String,
        flags: [FlagSpec] = [],
        formats: [OutputFormat] = [],
        run: @escaping @Sendable (inout ToolCall) throws(ToolError) -> ToolPrint
    ) {
        self.name = name
        self.usage = usage
        self.flags = flags
        self.formats = formats
        self.run = run
    }

    /// All flags, including the output ones.
    var allFlags: [FlagSpec] {
        formats.isEmpty ? flags : flags + [.value("format"), .value("o", "output")]
    }
}

/// Shared helpers for key=value arguments.
enum KeyValues {
    /// Parses `key=value` pairs (juju/utils keyvalues): split at the first `=`, no duplicates.
    static func parse(_ arguments: [String]) throws(ToolError) -> [(String, String)] {
        var seen: Set<String> = []
        var pairs: [(String, String)] = []
        for argument in arguments {
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
                throw .usage("expected \"key=value\", got \"\(argument)\"")
            }
            let key = String(argument[..<equals])
            guard seen.insert(key).inserted else { throw .usage("key \"\(key)\" specified more than once") }
            pairs.append((key, String(argument[argument.index(after: equals)...])))
        }
        return pairs
    }

    /// Reads a `--file` YAML map into string values (`nil` values mean delete).
    static func readFile(_ call: ToolCall, path: String) throws(ToolError) -> [String: String?] {
        let text: String
        if path == "-" {
            text = call.readStdin()
        } else {
            guard let contents = call.readFile(path) else {
                throw .runtime("open \(path): no such file or directory")
            }
            text = contents
        }
        let parsed: JSONValue
        do {
            parsed = try YAMLReader.parse(text, source: path)
        } catch {
            throw .runtime("cannot parse \(path == "-" ? "stdin" : path): \(error)")
        }
        if parsed == .null { return [:] }
        guard let members = parsed.objectValue else {
            throw .runtime("expected a YAML map in \(path == "-" ? "stdin" : path)")
        }
        return SettingsMap.strings(from: members)
    }
}
