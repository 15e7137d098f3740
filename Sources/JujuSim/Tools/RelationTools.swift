import JujuKit

/// relation-ids, relation-list, relation-get, relation-set.
enum RelationTools {
    static let all: [ToolDefinition] = [relationIDs, relationList, relationGet, relationSet]

    static let relationIDs = ToolDefinition(
        "relation-ids",
        usage: "relation-ids [options] <name>",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        var endpoint = call.positionals.first
        if endpoint == nil, let id = call.context.relationID {
            endpoint = call.context.relations.first { $0.id == id }?.endpoint
        }
        guard let endpoint else { throw .usage("no endpoint name specified") }
        let keys = call.context.relations.filter { $0.endpoint == endpoint && !$0.broken }.map(\.key).sorted()
        return .value(.array(keys.map(JSONValue.string)))
    }

    static let relationList = ToolDefinition(
        "relation-list",
        usage: "relation-list [options]",
        flags: [.value("r", "relation"), .bool("app")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        let relation = call.context.relations[try call.requiredRelationIndex()]
        if call.arguments.flag("app") { return .value(.string(relation.remoteApp)) }
        let members = relation.broken ? [] : relation.members.sorted()
        return .value(.array(members.map(JSONValue.string)))
    }

    static let relationGet = ToolDefinition(
        "relation-get",
        usage: "relation-get [options] <key> <unit id>",
        flags: [.value("r", "relation"), .bool("app")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let positionals = call.positionals
        guard positionals.count <= 2 else { throw ToolError.unrecognized(Array(positionals.dropFirst(2))) }
        let key = positionals.first.flatMap { $0 == "-" ? nil : $0 }
        var wantApp = call.arguments.flag("app")
        var target: String
        if positionals.count == 2 {
            target = positionals[1]
            if wantApp {
                target = String(target.split(separator: "/").first ?? Substring(target))
            } else {
                guard isUnitName(target) else {
                    if isApplicationName(target) {
                        throw .usage("expected unit name, got application name \"\(target)\"")
                    }
                    throw .usage("invalid unit name \"\(target)\"")
                }
            }
        } else if !call.context.remoteUnit.isEmpty {
            target = call.context.remoteUnit
            if wantApp { target = String(target.split(separator: "/").first ?? "") }
        } else if !call.context.remoteApp.isEmpty {
            target = call.context.remoteApp
            wantApp = true
        } else {
            throw .usage("no unit or application specified")
        }
        let index = try call.requiredRelationIndex()
        let relation = call.context.relations[index]
        if wantApp && target == call.context.app && !relation.isPeer && !call.context.isLeader {
            throw .runtime("permission denied")
        }
        guard let bag = relation.bags[target] else {
            if wantApp {
                if target == call.context.app || target == relation.remoteApp { return .value(readBag([:], key)) }
                throw .runtime("permission denied")
            }
            throw .runtime(
                "cannot read settings for unit \"\(target)\" in relation \"\(relation.key)\": "
                    + "unit \"\(target)\": settings not found"
            )
        }
        return .value(readBag(bag, key))
    }

    private static func readBag(_ bag: [String: String], _ key: String?) -> JSONValue? {
        if let key { return bag[key].map(JSONValue.string) }
        return .object(bag.mapValues(JSONValue.string))
    }

    /// Whether `text` is a valid application name (lower-case letters, digits and hyphens, starting with a letter).
    static func isApplicationName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isASCII, first.isLowercase, text.last != "-" else { return false }
        return text.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }

    /// Whether `text` is a valid application name.
    static func isApplicationName(_ text: String) -> Bool { isApplicationName(Substring(text)) }

    /// Whether `text` is a valid unit name (`app/N`).
    static func isUnitName(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let app = parts.first, let number = parts.last, !number.isEmpty,
            number.allSatisfy({ $0.isASCII && $0.isNumber }), isApplicationName(app)
        else { return false }
        return true
    }

    static let relationSet = ToolDefinition(
        "relation-set",
        usage: "relation-set [options] key=value [key=value ...]",
        flags: [.value("r", "relation"), .bool("app"), .value("file"), .value("format")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        if call.arguments.value("format") != nil {
            call.warnings += "--format flag deprecated for command \"relation-set\"\n"
        }
        var updates: [String: String?] = [:]
        if let file = call.arguments.value("file") {
            updates = try KeyValues.readFile(call, path: file)
        }
        for (key, value) in try KeyValues.parse(call.positionals) {
            updates[key] = .some(value)
        }
        let index = try call.requiredRelationIndex()
        let relation = call.context.relations[index]
        let owner: String
        if call.arguments.flag("app") {
            guard call.context.isLeader else { throw .runtime("cannot write relation settings") }
            if relation.broken {
                throw .runtime("cannot read relation application settings: permission denied (unauthorized access)")
            }
            owner = call.context.app
        } else {
            owner = call.context.unit
        }
        var bag = relation.bags[owner] ?? [:]
        for (key, value) in updates {
            if let value, !value.isEmpty { bag[key] = value } else { bag[key] = nil }
        }
        call.context.relations[index].bags[owner] = bag
        call.changed = true
        return .nothing
    }
}
