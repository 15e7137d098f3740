import JujuKit

/// open-port, close-port, opened-ports.
enum PortTools {
    static let all: [ToolDefinition] = [openPort, closePort, openedPorts]

    static let openPort = ToolDefinition(
        "open-port",
        usage: "open-port <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp",
        flags: [.value("endpoints"), .value("format")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        try change(&call, open: true)
    }

    static let closePort = ToolDefinition(
        "close-port",
        usage: "close-port <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp",
        flags: [.value("endpoints"), .value("format")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        try change(&call, open: false)
    }

    private static func change(_ call: inout ToolCall, open: Bool) throws(ToolError) -> ToolPrint {
        guard let text = call.positionals.first else { throw .usage("no port or range specified") }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        guard let range = PortRange(parsing: text) else {
            throw .usage("expected <port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp; got \"\(text)\"")
        }
        var endpoints = ["*"]
        if let list = call.arguments.value("endpoints") {
            endpoints = list.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }.sorted()
            if endpoints.isEmpty { endpoints = ["*"] }
        }
        call.context.portOperations.append(PortOperation(open: open, range: range, endpoints: endpoints))
        call.changed = true
        return .nothing
    }

    static let openedPorts = ToolDefinition(
        "opened-ports",
        usage: "opened-ports [options]",
        flags: [.bool("endpoints")],
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        let showEndpoints = call.arguments.flag("endpoints")
        let lines = call.context.committedPorts.sorted { $0.range < $1.range }.map { port -> JSONValue in
            guard showEndpoints else { return .string(port.range.text) }
            let names = port.endpoints == ["*"] ? "*" : port.endpoints.joined(separator: ", ")
            return .string("\(port.range.text) (\(names))")
        }
        return .value(.array(lines))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        String(
            self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" })
                .reversed()
        )
    }
}
