import FoundationEssentials

/// The hook tools Juju puts on `PATH`, run as processes through a `CommandRunner`.
public struct ProcessHookTools: HookTools {
    private let runner: any CommandRunner

    /// Creates tools that run through `runner`.
    public init(runner: any CommandRunner) {
        self.runner = runner
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func configGet() async throws(HookToolError) -> [String: JSONValue] {
        try await decode("config-get", ["--format=json"], as: [String: JSONValue]?.self) ?? [:]
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func isLeader() async throws(HookToolError) -> Bool {
        try await decode("is-leader", ["--format=json"], as: Bool.self)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func leaderGet() async throws(HookToolError) -> [String: String] {
        try await decode("leader-get", ["--format=json"], as: [String: String]?.self) ?? [:]
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationIDs(endpoint: String) async throws(HookToolError) -> [String] {
        try await decode("relation-ids", ["--format=json", endpoint], as: [String]?.self) ?? []
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationUnits(relationID: String) async throws(HookToolError) -> [String] {
        try await decode("relation-list", ["--format=json", "-r", relationID], as: [String]?.self) ?? []
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationApplication(relationID: String) async throws(HookToolError) -> String? {
        try await decode("relation-list", ["--format=json", "-r", relationID, "--app"], as: String?.self)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationGet(relationID: String, member: String, application: Bool) async throws(HookToolError)
        -> [String: String]
    {
        var arguments = ["--format=json", "-r", relationID]
        if application { arguments.append("--app") }
        arguments += ["-", member]
        return try await decode("relation-get", arguments, as: [String: String]?.self) ?? [:]
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationSet(relationID: String, application: Bool, values: [String: String?])
        async throws(HookToolError)
    {
        var arguments = ["-r", relationID]
        if application { arguments.append("--app") }
        arguments += ["--file", "-"]
        // relation-set deletes a key whose value is empty.
        let payload = values.mapValues { $0 ?? "" }
        try await call("relation-set", arguments, input: try JSONPayload.encode(payload, tool: "relation-set"))
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func statusSet(_ status: WorkloadStatus, application: Bool) async throws(HookToolError) {
        try await call(
            "status-set",
            ["--application=\(application ? "True" : "False")", status.state.rawValue, "--", status.message]
        )
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func applicationVersionSet(_ version: String) async throws(HookToolError) {
        try await call("application-version-set", ["--", version])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func jujuLog(_ message: String, level: JujuLogLevel) async throws(HookToolError) {
        try await call("juju-log", ["--log-level", level.rawValue, "--", message])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func actionGet() async throws(HookToolError) -> [String: JSONValue] {
        try await decode("action-get", ["--format=json"], as: [String: JSONValue]?.self) ?? [:]
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func actionSet(_ results: [String: String]) async throws(HookToolError) {
        guard !results.isEmpty else { return }
        try await call("action-set", results.keys.sorted().map { "\($0)=\(results[$0] ?? "")" })
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func actionFail(_ message: String) async throws(HookToolError) {
        try await call("action-fail", ["--", message])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func actionLog(_ message: String) async throws(HookToolError) {
        try await call("action-log", ["--", message])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func openPort(_ port: PortRange) async throws(HookToolError) {
        try await call("open-port", [port.description])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func closePort(_ port: PortRange) async throws(HookToolError) {
        try await call("close-port", [port.description])
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func openedPorts() async throws(HookToolError) -> [PortRange] {
        let listed = try await decode("opened-ports", ["--format=json"], as: [String]?.self) ?? []
        return listed.compactMap(PortRange.init)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func privateAddress() async throws(HookToolError) -> String {
        try await decode("unit-get", ["--format=json", "private-address"], as: String.self)
    }

    /// `HookTools` conformance: runs the tool of the same name; a unit without a public address gives `nil`.
    public func publicAddress() async throws(HookToolError) -> String? {
        do throws(HookToolError) {
            return try await decode("unit-get", ["--format=json", "public-address"], as: String?.self)
        } catch {
            if case .failed(_, 1, let message) = error, message.contains("not found") { return nil }
            throw error
        }
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func ingressAddress(binding: String) async throws(HookToolError) -> String? {
        try await decode("network-get", ["--format=json", binding, "--ingress-address"], as: String?.self)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func stateGet() async throws(HookToolError) -> [String: String] {
        try await decode("state-get", ["--format=json"], as: [String: String]?.self) ?? [:]
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func stateSet(_ values: [String: String]) async throws(HookToolError) {
        guard !values.isEmpty else { return }
        try await call("state-set", ["--file", "-"], input: try JSONPayload.encode(values, tool: "state-set"))
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func stateDelete(_ key: String) async throws(HookToolError) {
        try await call("state-delete", [key])
    }

    // MARK: - Plumbing

    @discardableResult
    private func call(_ tool: String, _ arguments: [String], input: [UInt8]? = nil) async throws(HookToolError)
        -> String
    {
        let result: CommandResult
        do {
            result = try await runner.run(Command(tool, arguments, input: input))
        } catch {
            throw .unavailable(tool: tool, reason: error.description)
        }
        guard result.succeeded else {
            throw .failed(tool: tool, exitCode: result.exitCode, message: result.standardError)
        }
        return result.standardOutput
    }

    private func decode<T: Decodable>(_ tool: String, _ arguments: [String], as type: T.Type)
        async throws(HookToolError) -> T
    {
        let output = try await call(tool, arguments)
        let text = output.trimmingWhitespace()
        do {
            return try JSONDecoder().decode(T.self, from: Data((text.isEmpty ? "null" : text).utf8))
        } catch {
            throw .malformedOutput(tool: tool, output: text)
        }
    }
}

/// JSON for hook-tool payloads: sorted keys and no `\/` escapes, so the YAML parser on the other side reads it.
enum JSONPayload {
    static func encode<T: Encodable>(_ value: T, tool: String) throws(HookToolError) -> [UInt8] {
        do {
            return Array(try JSONText.data(value))
        } catch {
            throw .malformedOutput(tool: tool, output: "cannot encode payload: \(error)")
        }
    }
}
