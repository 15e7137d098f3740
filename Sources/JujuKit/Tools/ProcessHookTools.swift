import FoundationEssentials

/// The hook tools Juju puts on `PATH`, run as processes through a `CommandRunner`.
public struct ProcessHookTools: HookTools {
    private let runner: any CommandRunner
    private let files: any FileSystem
    private let stagingRoot: String

    /// Creates tools that run through `runner`; secret values for `secret-add`/`secret-set` are staged in `files`,
    /// in a fresh 0700 directory under `stagingRoot` that is removed after the call.
    public init(runner: any CommandRunner, files: any FileSystem = LocalFileSystem(), stagingRoot: String = "/tmp") {
        self.runner = runner
        self.files = files
        self.stagingRoot = stagingRoot
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func configGet() async throws(HookToolError) -> [String: JSONValue] {
        try await parse("config-get", ["--format=json"]) { $0.isNull ? [:] : $0.objectValue }
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func isLeader() async throws(HookToolError) -> Bool {
        try await parse("is-leader", ["--format=json"]) { $0.boolValue }
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func leaderGet() async throws(HookToolError) -> [String: String] {
        try await parse("leader-get", ["--format=json"], Self.stringMap)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationIDs(endpoint: String) async throws(HookToolError) -> [String] {
        try await parse("relation-ids", ["--format=json", endpoint], Self.stringList)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationUnits(relationID: String) async throws(HookToolError) -> [String] {
        try await parse("relation-list", ["--format=json", "-r", relationID], Self.stringList)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationApplication(relationID: String) async throws(HookToolError) -> String? {
        try await parse("relation-list", ["--format=json", "-r", relationID, "--app"], Self.optionalString)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func relationGet(relationID: String, member: String, application: Bool) async throws(HookToolError)
        -> [String: String]
    {
        var arguments = ["--format=json", "-r", relationID]
        if application { arguments.append("--app") }
        arguments += ["-", member]
        return try await parse("relation-get", arguments, Self.stringMap)
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
        try await parse("action-get", ["--format=json"]) { $0.isNull ? [:] : $0.objectValue }
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
        let listed = try await parse("opened-ports", ["--format=json"], Self.stringList)
        return listed.compactMap(PortRange.init)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func privateAddress() async throws(HookToolError) -> String {
        try await parse("unit-get", ["--format=json", "private-address"]) { $0.stringValue }
    }

    /// `HookTools` conformance: runs the tool of the same name; a unit without a public address gives `nil`.
    public func publicAddress() async throws(HookToolError) -> String? {
        do throws(HookToolError) {
            return try await parse("unit-get", ["--format=json", "public-address"], Self.optionalString)
        } catch {
            if case .failed(_, 1, let message) = error, message.contains("not found") { return nil }
            throw error
        }
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func ingressAddress(binding: String) async throws(HookToolError) -> String? {
        try await parse("network-get", ["--format=json", binding, "--ingress-address"], Self.optionalString)
    }

    /// `HookTools` conformance: runs the tool of the same name.
    public func stateGet() async throws(HookToolError) -> [String: String] {
        try await parse("state-get", ["--format=json"], Self.stringMap)
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

    /// `HookTools` conformance: runs `secret-get --format=json <uri>`.
    public func secretGet(_ uri: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String] {
        try await readSecret([uri], reference: uri, refresh: refresh, peek: peek)
    }

    /// `HookTools` conformance: runs `secret-get --format=json --label <label>`.
    public func secretGet(label: String, refresh: Bool, peek: Bool) async throws(SecretError) -> [String: String] {
        try await readSecret(["--label", label], reference: "with label \(label)", refresh: refresh, peek: peek)
    }

    private func readSecret(_ selector: [String], reference: String, refresh: Bool, peek: Bool)
        async throws(SecretError) -> [String: String]
    {
        var arguments = ["--format=json"] + selector
        if refresh { arguments.append("--refresh") }
        if peek { arguments.append("--peek") }
        let output: String
        do {
            output = try await call("secret-get", arguments)
        } catch {
            throw SecretError(error, secret: reference)
        }
        let text = output.trimmingWhitespace()
        guard let value = try? JSONValue(parsing: text.isEmpty ? "null" : text), let content = Self.stringMap(value)
        else {
            // The output is secret: say how much there was, never what.
            throw .tool(.malformedOutput(tool: "secret-get", output: "<\(text.utf8.count) bytes withheld>"))
        }
        return content
    }

    /// `HookTools` conformance: runs `secret-add` with the values in 0600 files.
    public func secretAdd(_ content: [String: String], label: String?, description: String?, unitOwned: Bool)
        async throws(SecretError) -> String
    {
        var arguments: [String] = []
        if unitOwned { arguments += ["--owner", "unit"] }
        if let label { arguments += ["--label", label] }
        if let description { arguments += ["--description", description] }
        let output = try await withStagedContent(content, tool: "secret-add", reference: label ?? "(new)") {
            (staged: [String]) async throws(HookToolError) -> String in
            try await call("secret-add", arguments + staged)
        }
        let uri = output.trimmingWhitespace()
        guard uri.hasPrefix("secret:") else { throw .tool(.malformedOutput(tool: "secret-add", output: uri)) }
        return uri
    }

    /// `HookTools` conformance: runs `secret-set <uri>` with the values in 0600 files.
    public func secretSet(_ uri: String, content: [String: String]) async throws(SecretError) {
        _ = try await withStagedContent(content, tool: "secret-set", reference: uri) {
            (staged: [String]) async throws(HookToolError) -> String in
            try await call("secret-set", [uri] + staged)
        }
    }

    /// `HookTools` conformance: runs `secret-remove <uri> [--revision <n>]`.
    public func secretRemove(_ uri: String, revision: Int?) async throws(SecretError) {
        var arguments = [uri]
        if let revision { arguments += ["--revision", String(revision)] }
        do {
            try await call("secret-remove", arguments)
        } catch {
            throw SecretError(error, secret: uri)
        }
    }

    /// `HookTools` conformance: runs `secret-ids --format=json`.
    public func secretIDs() async throws(HookToolError) -> [String] {
        try await parse("secret-ids", ["--format=json"], Self.stringList)
    }

    /// Writes each value to `<fresh 0700 directory>/<key>` (0600), runs `body` with the `key#file=path` arguments,
    /// and removes the directory whatever happens: the values never reach argv, and never stay on disk.
    private func withStagedContent(
        _ content: [String: String],
        tool: String,
        reference: String,
        _ body: ([String]) async throws(HookToolError) -> String
    ) async throws(SecretError) -> String {
        let directory = Path.join(stagingRoot, "juju-secret-\(Self.randomHex())\(Self.randomHex())")
        do {
            try files.createDirectory(directory, mode: .privateDirectory)
        } catch {
            throw .tool(.unavailable(tool: tool, reason: error.description))
        }
        defer { try? files.removeTree(directory) }
        if let mode = files.mode(of: directory), mode != .privateDirectory {
            throw .tool(.unavailable(tool: tool, reason: "cannot stage secret values: \(directory) is not private"))
        }
        var staged: [String] = []
        for key in content.keys.sorted() {
            // Juju's key rule, checked before the key becomes a file name.
            guard Self.isSecretKey(key) else {
                throw .tool(.failed(tool: tool, exitCode: 2, message: "ERROR key \"\(key)\" not valid\n"))
            }
            let path = Path.join(directory, key)
            do {
                try files.write(path, Array((content[key] ?? "").utf8), mode: .ownerOnly)
            } catch {
                throw .tool(.unavailable(tool: tool, reason: error.description))
            }
            staged.append("\(key)#file=\(path)")
        }
        do {
            return try await body(staged)
        } catch {
            throw SecretError(error, secret: reference)
        }
    }

    /// Juju's secret key rule: a lower-case letter, then two or more lower-case letters or digits, each possibly
    /// after one hyphen (`^([a-z](?:-?[a-z0-9]){2,})$`).
    static func isSecretKey(_ key: String) -> Bool {
        let characters = Array(key.utf8)
        func letter(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
        func digit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard let first = characters.first, letter(first) else { return false }
        var groups = 0
        var index = 1
        while index < characters.count {
            if characters[index] == UInt8(ascii: "-") { index += 1 }
            guard index < characters.count, letter(characters[index]) || digit(characters[index]) else { return false }
            groups += 1
            index += 1
        }
        return groups >= 2
    }

    private static func randomHex() -> String {
        let digits = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
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

    /// Runs `tool` and reads its JSON output (empty output counts as `null`) with `convert`, which returns `nil`
    /// when the value is not of the expected shape.
    ///
    /// The output is parsed into a ``JSONValue`` without `Codable`, which costs far less at a hook's start.
    private func parse<T>(_ tool: String, _ arguments: [String], _ convert: (JSONValue) -> T?)
        async throws(HookToolError) -> T
    {
        let output = try await call(tool, arguments)
        let text = output.trimmingWhitespace()
        guard let value = try? JSONValue(parsing: text.isEmpty ? "null" : text), let converted = convert(value) else {
            throw .malformedOutput(tool: tool, output: text)
        }
        return converted
    }

    /// An object of strings (`null` is empty).
    static func stringMap(_ value: JSONValue) -> [String: String]? {
        if value.isNull { return [:] }
        guard let members = value.objectValue else { return nil }
        var result: [String: String] = [:]
        for (key, member) in members {
            guard let text = member.stringValue else { return nil }
            result[key] = text
        }
        return result
    }

    /// An array of strings (`null` is empty).
    static func stringList(_ value: JSONValue) -> [String]? {
        if value.isNull { return [] }
        guard let elements = value.arrayValue else { return nil }
        var result: [String] = []
        for element in elements {
            guard let text = element.stringValue else { return nil }
            result.append(text)
        }
        return result
    }

    /// A string or `null`; the outer optional says whether the shape was right.
    static func optionalString(_ value: JSONValue) -> String?? {
        if value.isNull { return .some(nil) }
        guard let text = value.stringValue else { return nil }
        return .some(text)
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
