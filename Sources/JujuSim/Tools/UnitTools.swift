import JujuKit

/// config-get, is-leader, unit-get, network-get, goal-state, credential-get, juju-reboot, relation-model-get.
enum UnitTools {
    static let all: [ToolDefinition] = [
        configGet, isLeader, unitGet, networkGet, goalState, credentialGet, jujuReboot, relationModelGet,
    ]

    static let configGet = ToolDefinition(
        "config-get",
        usage: "config-get [options] [<key>]",
        flags: [.bool("a", "all")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        let all = call.arguments.flag("all")
        if let key = call.positionals.first {
            if all { throw .usage("cannot use argument --all together with key \"\(key)\"") }
            return .value(call.context.config[key] ?? .null)
        }
        let values = all ? call.context.config : call.context.config.filter { $0.value != .null }
        return .value(.object(values))
    }

    static let isLeader = ToolDefinition(
        "is-leader",
        usage: "is-leader [options]",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        return .value(.bool(call.context.isLeader))
    }

    static let unitGet = ToolDefinition(
        "unit-get",
        usage: "unit-get [options] <setting>",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard let setting = call.positionals.first else { throw .usage("no setting specified") }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        switch setting {
        case "private-address": return .value(.string(call.context.privateAddress))
        case "public-address":
            guard !call.context.publicAddress.isEmpty else { throw .runtime("public address not found") }
            return .value(.string(call.context.publicAddress))
        default: throw .usage("unknown setting \"\(setting)\"")
        }
    }

    static let networkGet = ToolDefinition(
        "network-get",
        usage: "network-get [options] <binding-name> [--ingress-address] [--bind-address] "
            + "[--egress-subnets]",
        flags: [
            .value("r", "relation"), .bool("ingress-address"), .bool("bind-address"), .bool("egress-subnets"),
            .bool("primary-address"),
        ],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard let binding = call.positionals.first else { throw .usage("no arguments specified") }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        _ = try call.selectedRelationIndex()
        guard call.context.bindings.contains(binding) else {
            throw .runtime("no network config found for binding \"\(binding)\"")
        }
        let address = call.context.privateAddress
        if call.arguments.flag("primary-address") { return .value(.string(address)) }
        let json = call.arguments.value("format") == "json"
        let loopback = address.hasPrefix("127.")
        let octets = address.split(separator: ".")
        let cidr =
            loopback
            ? "127.0.0.0/8" : (octets.count == 4 ? octets.prefix(3).joined(separator: ".") + ".0/24" : address + "/32")
        var addressEntry: [String: JSONValue] = ["hostname": "", "value": .string(address), "cidr": .string(cidr)]
        var bindEntry: [String: JSONValue] = [
            "mac-address": loopback ? "" : "00:16:3e:00:00:01", "interface-name": loopback ? "lo" : "eth0",
        ]
        if !json {
            addressEntry["address"] = .string(address)
            bindEntry["macaddress"] = bindEntry["mac-address"]
            bindEntry["interfacename"] = bindEntry["interface-name"]
        }
        bindEntry["addresses"] = .array([.object(addressEntry)])
        let ingress: JSONValue = .array([.string(address)])
        let egress: JSONValue = .array([.string(address + "/32")])
        var selected: [String: JSONValue] = [:]
        if call.arguments.flag("bind-address") { selected["bind-address"] = .string(address) }
        if call.arguments.flag("ingress-address") { selected["ingress-address"] = .string(address) }
        if call.arguments.flag("egress-subnets") { selected["egress-subnets"] = egress }
        if selected.count == 1, let only = selected.first { return .value(only.value) }
        if selected.count > 1 { return .value(.object(selected)) }
        return .value(
            .object([
                "bind-addresses": .array([.object(bindEntry)]), "egress-subnets": egress, "ingress-addresses": ingress,
            ])
        )
    }

    static let goalState = ToolDefinition(
        "goal-state",
        usage: "goal-state [options]",
        formats: [.yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        return .value(call.context.goalState)
    }

    static let credentialGet = ToolDefinition(
        "credential-get",
        usage: "credential-get [options]",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        throw .runtime("cannot access cloud credentials: application \"\(call.context.app)\" is not trusted")
    }

    static let jujuReboot = ToolDefinition(
        "juju-reboot",
        usage: "juju-reboot [--now]",
        flags: [.bool("now")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        if call.context.action != nil { throw .runtime("juju-reboot is not supported when running an action.") }
        call.context.rebootRequested = true
        call.changed = true
        return .nothing
    }

    static let relationModelGet = ToolDefinition(
        "relation-model-get",
        usage: "relation-model-get [options]",
        flags: [.value("r", "relation")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        _ = try call.requiredRelationIndex()
        return .value(.object(["uuid": .string(call.context.modelUUID)]))
    }
}
