import Foundation
import JujuKit

/// The hook-tool role of the `charm-sim` executable: find the context, run one tool, print, exit.
enum ToolMain {
    /// Runs the tool `name` with `arguments`; returns the exit code.
    static func run(name: String, arguments: [String]) -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        guard let definition = ToolRegistry.tools[name] else {
            return fail(1, "unknown command \"\(name)\"")
        }
        guard let contextID = environment["JUJU_CONTEXT_ID"], !contextID.isEmpty else {
            return fail(1, "JUJU_CONTEXT_ID not set")
        }
        guard var socket = environment["JUJU_AGENT_SOCKET_ADDRESS"], !socket.isEmpty else {
            return fail(1, "JUJU_AGENT_SOCKET_ADDRESS not set")
        }
        if socket.hasPrefix("@") { socket.removeFirst() }
        let agentDirectory = (socket as NSString).deletingLastPathComponent
        let contextPath = agentDirectory + "/context.json"
        do {
            return try JSONFile.withLock(agentDirectory + "/context.lock") {
                guard let context = try? JSONFile.read(ToolContext.self, from: contextPath), context.id == contextID
                else { return fail(1, "bad request: bad context") }
                recordCall(name, agentDirectory: agentDirectory)
                return try execute(definition, arguments: arguments, context: context, contextPath: contextPath)
            }
        } catch {
            return fail(1, "\(error)")
        }
    }

    /// Appends the tool's name to the hook's call log (`toolCallLogName`), read by the simulator afterwards.
    private static func recordCall(_ name: String, agentDirectory: String) {
        guard let handle = FileHandle(forWritingAtPath: agentDirectory + "/" + toolCallLogName) else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        handle.write(Data((name + "\n").utf8))
    }

    /// The file in the agent directory listing the hook tools the running hook called, one per line.
    static let toolCallLogName = "tool-calls.log"

    private static func execute(
        _ definition: ToolDefinition,
        arguments: [String],
        context: ToolContext,
        contextPath: String
    ) throws -> Int32 {
        let cwd = FileManager.default.currentDirectoryPath
        var call = ToolCall(
            arguments: ParsedArguments(),
            context: context,
            readStdin: { String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) },
            readFile: { path in
                let full = path.hasPrefix("/") ? path : cwd + "/" + path
                return FileManager.default.contents(atPath: full).map { String(decoding: $0, as: UTF8.self) }
            },
            readBytes: { path in
                let full = path.hasPrefix("/") ? path : cwd + "/" + path
                return FileManager.default.contents(atPath: full).map { Array($0) }
            }
        )
        var format = definition.formats.first ?? .smart
        let printed: ToolPrint
        do {
            call.arguments = try FlagParser.parse(arguments, specs: definition.allFlags)
            if !definition.formats.isEmpty, let name = call.arguments.value("format") {
                guard let chosen = OutputFormat(rawValue: name), definition.formats.contains(chosen) else {
                    throw ToolError.usage("invalid value \"\(name)\" for flag --format: unknown format \"\(name)\"")
                }
                format = chosen
            }
            printed = try definition.run(&call)
        } catch let error as ToolError {
            if !call.warnings.isEmpty { FileHandle.standardError.write(Data(call.warnings.utf8)) }
            if error == .help {
                print("Usage: \(definition.usage)")
                return 0
            }
            switch error {
            case .usage(let message), .runtime(let message): return fail(error.exitCode, message)
            case .help: return 0
            }
        }
        if call.changed { try JSONFile.write(call.context, to: contextPath, mode: 0o600) }
        if !call.warnings.isEmpty { FileHandle.standardError.write(Data(call.warnings.utf8)) }
        let text: String
        switch printed {
        case .nothing: text = ""
        case .value(let value): text = format.render(value)
        case .split(let json, let other): text = format.render(format == .json ? json : other)
        case .ordered(let value, let order): text = format.render(value, order: order)
        }
        if let output = call.arguments.value("output") {
            let path = output.hasPrefix("/") ? output : FileManager.default.currentDirectoryPath + "/" + output
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                return fail(1, "cannot write \(output)")
            }
        } else if !text.isEmpty {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        return 0
    }

    private static func fail(_ code: Int32, _ message: String) -> Int32 {
        FileHandle.standardError.write(Data("ERROR \(message)\n".utf8))
        return code
    }
}
