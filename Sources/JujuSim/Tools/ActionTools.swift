import JujuKit

/// action-get, action-set, action-fail, action-log.
enum ActionTools {
    static let all: [ToolDefinition] = [actionGet, actionSet, actionFail, actionLog]
    private static let reserved: Set<String> = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"]

    static let actionGet = ToolDefinition(
        "action-get",
        usage: "action-get [options] [<key>[.<key>.<key>...]]",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        let action = try call.requireAction()
        guard let path = call.positionals.first else { return .value(.object(action.parameters)) }
        var current: JSONValue? = .object(action.parameters)
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?.objectValue?[String(segment)]
        }
        return .value(current)
    }

    /// Whether a dotted key segment is valid for action-set.
    static func isValidKey(_ segment: Substring) -> Bool {
        guard let first = segment.first, let last = segment.last else { return false }
        func alnum(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }
        return alnum(first) && alnum(last) && segment.allSatisfy { alnum($0) || $0 == "-" }
    }

    static let actionSet = ToolDefinition(
        "action-set",
        usage: "action-set <key>=<value> [<key>=<value> ...]"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        var pairs: [([String], String)] = []
        for argument in call.positionals {
            guard let equals = argument.firstIndex(of: "=") else {
                throw .usage("argument \"\(argument)\" must be of the form key...=value")
            }
            let key = argument[..<equals]
            let segments = key.split(separator: ".", omittingEmptySubsequences: false)
            for segment in segments {
                guard isValidKey(segment) else {
                    throw .usage(
                        "key \"\(segment)\" must start and end with lowercase alphanumeric, "
                            + "and contain only lowercase alphanumeric, hyphens and periods"
                    )
                }
                if reserved.contains(String(segment)) { throw .usage("cannot set reserved action key \"\(segment)\"") }
            }
            pairs.append((segments.map(String.init), String(argument[argument.index(after: equals)...])))
        }
        var action = try call.requireAction()
        for (path, value) in pairs {
            action.results = merged(action.results, path: path[...], value: value)
        }
        call.context.action = action
        call.changed = true
        return .nothing
    }

    private static func merged(_ map: [String: JSONValue], path: ArraySlice<String>, value: String) -> [String:
        JSONValue]
    {
        var map = map
        guard let head = path.first else { return map }
        if path.count == 1 {
            map[head] = .string(value)
        } else {
            map[head] = .object(merged(map[head]?.objectValue ?? [:], path: path.dropFirst(), value: value))
        }
        return map
    }

    static let actionFail = ToolDefinition(
        "action-fail",
        usage: "action-fail [\"<failure message>\"]"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        var action = try call.requireAction()
        action.failed = true
        action.failMessage = call.positionals.first ?? "action failed without reason given, check action for errors"
        call.context.action = action
        call.changed = true
        return .nothing
    }

    static let actionLog = ToolDefinition(
        "action-log",
        usage: "action-log <message>"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard !call.positionals.isEmpty else { throw .usage("no message specified") }
        var action = try call.requireAction()
        action.log.append(Clock.jujuTime() + " " + call.positionals.joined(separator: " "))
        call.context.action = action
        call.changed = true
        return .nothing
    }
}
