import JujuKit

/// state-get, state-set, state-delete, leader-get, leader-set.
enum StateTools {
    static let all: [ToolDefinition] = [stateGet, stateSet, stateDelete, leaderGet, leaderSet]

    static let stateGet = ToolDefinition(
        "state-get",
        usage: "state-get [options] [<key>]",
        flags: [.bool("strict")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        let state = call.context.state
        guard let key = call.positionals.first, key != "-" else {
            if state.isEmpty { return .split(json: nil, other: .object([:])) }
            return .value(.object(state.mapValues(JSONValue.string)))
        }
        guard let value = state[key] else {
            if call.arguments.flag("strict") { throw .runtime("\"\(key)\" not found") }
            return .value(.string(""))
        }
        return .value(.string(value))
    }

    static let stateSet = ToolDefinition(
        "state-set",
        usage: "state-set [options] key=value [key=value ...]",
        flags: [.value("file")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        var updates: [String: String?] = [:]
        if let file = call.arguments.value("file") { updates = try KeyValues.readFile(call, path: file) }
        for (key, value) in try KeyValues.parse(call.positionals) { updates[key] = .some(value) }
        for (key, value) in updates {
            if let value, !value.isEmpty { call.context.state[key] = value } else { call.context.state[key] = nil }
        }
        call.changed = true
        return .nothing
    }

    static let stateDelete = ToolDefinition(
        "state-delete",
        usage: "state-delete <key>"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        if let key = call.positionals.first, call.context.state[key] != nil {
            call.context.state[key] = nil
            call.changed = true
        }
        return .nothing
    }

    static let leaderGet = ToolDefinition(
        "leader-get",
        usage: "leader-get [options] [<key>]",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        let settings = call.context.leaderSettings
        guard let key = call.positionals.first, key != "-" else {
            return .value(.object(settings.mapValues(JSONValue.string)))
        }
        guard !key.contains("=") else { throw .usage("invalid key \"\(key)\"") }
        return .value(settings[key].map(JSONValue.string))
    }

    static let leaderSet = ToolDefinition(
        "leader-set",
        usage: "leader-set <key>=<value> [...]"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let pairs = try KeyValues.parse(call.positionals)
        guard call.context.isLeader else {
            throw .runtime("cannot write leadership settings: cannot write settings: not the leader")
        }
        for (key, value) in pairs {
            let old = call.context.leaderSettings[key]
            call.context.leaderSettings[key] = value.isEmpty ? nil : value
            if old != call.context.leaderSettings[key] { call.context.leaderSettingsChanged = true }
        }
        call.changed = true
        return .nothing
    }
}
