import JujuKit

/// status-set, status-get, application-version-set, juju-log.
enum StatusTools {
    static let all: [ToolDefinition] = [statusSet, statusGet, applicationVersionSet, jujuLog]
    private static let settable = ["maintenance", "blocked", "waiting", "active"]

    static let statusSet = ToolDefinition(
        "status-set",
        usage: "status-set [options] <maintenance | blocked | waiting | active> [message]",
        flags: [.bool("application")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let positionals = call.positionals
        guard (1...2).contains(positionals.count) else {
            if positionals.count > 2 { throw ToolError.unrecognized(Array(positionals.dropFirst(2))) }
            throw .usage("invalid args, require <status> [message]")
        }
        let status = positionals[0]
        guard settable.contains(status) else {
            throw .usage("invalid status \"\(status)\", expected one of [maintenance blocked waiting active]")
        }
        let value = StatusValue(status, positionals.count == 2 ? positionals[1] : "")
        let application = call.arguments.flag("application")
        if application {
            guard call.context.isLeader else { throw .runtime("this unit is not the leader") }
            call.context.appStatus = value
        } else {
            call.context.unitStatus = value
            call.context.unitStatuses[call.context.unit] = value
        }
        call.context.statusChanges.append(StatusChange(application: application, value: value))
        call.changed = true
        return .nothing
    }

    static let statusGet = ToolDefinition(
        "status-get",
        usage: "status-get [options] [--include-data] [--application]",
        flags: [.bool("include-data"), .bool("application")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        let includeData = call.arguments.flag("include-data")
        func details(_ status: StatusValue) -> JSONValue {
            guard includeData else { return .object(["status": .string(status.status)]) }
            return .object([
                "status": .string(status.status), "message": .string(status.message),
                "status-data": .object(status.data),
            ])
        }
        if call.arguments.flag("application") {
            guard call.context.isLeader else {
                throw .runtime("finding application status: this unit is not the leader")
            }
            var app = details(call.context.appStatus).objectValue ?? [:]
            app["units"] = .object(call.context.unitStatuses.mapValues(details))
            return .value(.object(["application-status": .object(app)]))
        }
        if !includeData && call.arguments.value("format") ?? "smart" == "smart" {
            return .value(.string(call.context.unitStatus.status))
        }
        return .value(details(call.context.unitStatus))
    }

    static let applicationVersionSet = ToolDefinition(
        "application-version-set",
        usage: "application-version-set <new-version>"
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard let version = call.positionals.first else { throw .usage("no version specified") }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        call.context.workloadVersion = version
        call.changed = true
        return .nothing
    }

    private static let levels = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]

    static let jujuLog = ToolDefinition(
        "juju-log",
        usage: "juju-log [options] <message>",
        flags: [.value("l", "log-level"), .bool("debug"), .value("format")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard !call.positionals.isEmpty else { throw .usage("no message specified") }
        var level = (call.arguments.value("log-level") ?? "INFO").uppercased()
        if call.arguments.flag("debug") { level = "DEBUG" }
        if level == "WARN" { level = "WARNING" }
        if !levels.contains(level) {
            call.warnings += "WARNING Specified log level of \"\(level)\" is not valid\n"
            level = "INFO"
        }
        var message = call.positionals.joined(separator: " ")
        if let id = call.context.relationID, let relation = call.context.relations.first(where: { $0.id == id }) {
            message = "\(relation.key): " + message
        }
        call.context.logs.append(LogLine(unit: call.context.unit, level: level, message: message, time: Clock.now()))
        call.changed = true
        return .nothing
    }
}
