import Foundation
import JujuKit

/// What is being run: a hook or an action.
enum Invocation {
    /// A hook.
    case hook(QueuedHook)
    /// An action with validated parameters.
    case action(name: String, id: String, parameters: [String: JSONValue])

    var label: String {
        switch self {
        case .hook(let item): return item.hook
        case .action(let name, _, _): return name
        }
    }
}

/// The outcome of one execution.
struct ExecutionOutcome {
    /// `ok`, `failed` or `skipped`.
    var outcome: String
    /// Exit code (nil when skipped).
    var exitCode: Int32?
    /// Captured output.
    var stdout = ""
    /// Captured output.
    var stderr = ""
    /// The context after the run.
    var context: ToolContext?
    /// Whether no handler existed.
    var missing = false
    /// Wall time of the process, in milliseconds.
    var durationMilliseconds: Double?
    /// Peak resident set size of the process, in kibibytes.
    var peakResidentKilobytes: Int?
    /// The hook tools the process called, in order.
    var toolCalls: [String]?
    /// Why the writes of a process that exited 0 could not be committed (the hook or action then fails).
    var commitFailure: String?
}

extension Simulator {
    /// Runs one queued hook on a unit, with Juju's agent-side bookkeeping.
    func runHook(_ item: QueuedHook, unit: Int) throws {
        let relationIndex = item.relationID.flatMap { model.relationIndex($0) }
        if item.relationID != nil {
            guard let relationIndex else { return }
            let relation = model.relations[relationIndex]
            let kind = item.hook.split(separator: "-").last.map(String.init) ?? ""
            if relation.broken && (kind == "joined" || kind == "changed" || kind == "created") { return }
            let name = model.units[unit].name
            if kind == "joined", let remote = item.remoteUnit {
                var members = model.relations[relationIndex].members[name] ?? []
                if !members.contains(remote) { members.append(remote) }
                model.relations[relationIndex].members[name] = members.sorted { unitSortKey($0) < unitSortKey($1) }
            }
            if kind == "departed", let remote = item.remoteUnit {
                model.relations[relationIndex].members[name]?.removeAll { $0 == remote }
            }
            if kind == "created", !relation.created.contains(name) {
                model.relations[relationIndex].created.append(name)
            }
        }
        if item.hook == "leader-elected" && !model.units[unit].leader { return }
        let version = model.versionPair
        if item.hook == "install" && !model.units[unit].statusEverSet {
            setAgentWorkloadStatus(unit, StatusValue("maintenance", "installing charm software"))
        }
        if item.hook == "stop" {
            let message = version.0 >= 4 ? "stopping charm software" : "cleaning up prior to charm deletion"
            setAgentWorkloadStatus(unit, StatusValue("maintenance", message))
        }
        if item.hook == "remove" && version.0 >= 4 {
            setAgentWorkloadStatus(unit, StatusValue("maintenance", "cleaning up prior to charm deletion"))
        }
        let result = try execute(.hook(item), unit: unit)
        let name = model.units[unit].name
        if result.outcome == "failed" {
            var data: [String: JSONValue] = ["hook": .string(item.hook)]
            if let id = item.relationID { data["relation-id"] = .int(id) }
            if let remote = item.remoteUnit, !remote.isEmpty { data["remote-unit"] = .string(remote) }
            model.units[unit].failedHook = item
            model.units[unit].agentStatus = StatusValue("error", "hook failed: \"\(item.hook)\"", data: data)
            let message = "\(name): hook failed: \"\(item.hook)\" (exit code \(result.exitCode ?? -1))"
            failures.append(message)
            progress(message)
            return
        }
        try completeHook(item, unit: unit)
    }

    /// Agent-side effects of a hook that succeeded (or was resolved with `--no-retry`).
    func completeHook(_ item: QueuedHook, unit: Int) throws {
        let name = model.units[unit].name
        switch item.hook {
        case "install": model.units[unit].installed = true
        case "start":
            model.units[unit].started = true
            if !model.units[unit].statusEverSet { setAgentWorkloadStatus(unit, StatusValue("unknown", "")) }
        case "stop": model.units[unit].started = false
        case "remove":
            model.units[unit].removed = true
            electAfterRemoval(of: unit)
            forgetSecrets(ofRemovedUnit: name)
            if model.versionPair.0 >= 4 { setAgentWorkloadStatus(unit, StatusValue("terminated", "")) }
        default: break
        }
        if item.hook.hasSuffix("-relation-broken"), let id = item.relationID, let index = model.relationIndex(id) {
            model.relations[index].created.removeAll { $0 == name }
            model.relations[index].members[name] = []
        }
        model.units[unit].agentStatus = StatusValue("idle")
    }

    /// A workload status set by the agent itself (not by the charm).
    func setAgentWorkloadStatus(_ unit: Int, _ value: StatusValue) {
        model.units[unit].status = value
        model.units[unit].statusHistory.append(value)
    }

    /// Runs a hook or action process on a unit, then applies immediate effects and (on exit 0) commits.
    func execute(_ invocation: Invocation, unit: Int) throws -> ExecutionOutcome {
        let unitValue = model.units[unit]
        let tag = unitValue.tag
        let charmDirectory = paths.charm(tag)
        let agentDirectory = paths.agent(tag)
        let toolsDirectory = paths.tools(tag)
        try ToolLinks.ensure(in: toolsDirectory, version: model.versionPair)
        model.contextCounter += 1
        let random = UInt64.random(in: 0...UInt64(Int64.max))
        let contextID = "\(unitValue.name)-\(invocation.label)-\(random)"
        let context = try buildContext(id: contextID, unit: unit, invocation: invocation)
        let environment = hookEnvironment(
            context: context,
            invocation: invocation,
            unit: unitValue,
            charmDirectory: charmDirectory,
            agentDirectory: agentDirectory,
            toolsDirectory: toolsDirectory
        )
        let handler = resolveHandler(invocation, charmDirectory: charmDirectory)
        var outcome = ExecutionOutcome(outcome: "ok", exitCode: 0)
        switch handler {
        case .missing:
            outcome = ExecutionOutcome(outcome: "skipped", exitCode: nil, missing: true)
            if case .hook(let item) = invocation {
                model.logs.append(
                    LogLine(
                        unit: unitValue.name,
                        level: "INFO",
                        message: "skipped \"\(item.hook)\" hook (missing)",
                        time: Clock.now()
                    )
                )
            }
        case .notExecutable(let path):
            outcome = ExecutionOutcome(
                outcome: "failed",
                exitCode: 126,
                stderr: "fork/exec \(path): permission denied\n"
            )
        case .executable(let path):
            model.units[unit].agentStatus = StatusValue("executing", "running \(invocation.label) hook")
            let lockPath = agentDirectory + "/context.lock"
            let contextPath = agentDirectory + "/context.json"
            let callLog = agentDirectory + "/" + ToolMain.toolCallLogName
            try JSONFile.withLock(lockPath) {
                try JSONFile.write(context, to: contextPath, mode: 0o600)
                _ = FileManager.default.createFile(atPath: callLog, contents: nil)
            }
            let result = try ProcessRunner.run(
                executable: path,
                prefix: machine(of: unitValue).commandPrefix ?? [],
                directory: charmDirectory,
                environment: environment,
                captureDirectory: agentDirectory
            )
            let after = try JSONFile.withLock(lockPath) { () throws -> ToolContext? in
                let value = try JSONFile.read(ToolContext.self, from: contextPath)
                try? FileManager.default.removeItem(atPath: contextPath)
                return value
            }
            outcome = ExecutionOutcome(
                outcome: result.exitCode == 0 ? "ok" : "failed",
                exitCode: result.exitCode,
                stdout: result.stdout,
                stderr: result.stderr,
                context: after,
                durationMilliseconds: result.durationMilliseconds,
                peakResidentKilobytes: result.peakResidentKilobytes,
                toolCalls: (FileManager.default.contents(atPath: callLog).map { String(decoding: $0, as: UTF8.self) }
                    ?? "")
                    .split(separator: "\n").map(String.init)
            )
            if let after {
                applyImmediate(after, unit: unit)
                if result.exitCode == 0 {
                    if let problem = secretCommitProblem(after) {
                        outcome.outcome = "failed"
                        outcome.commitFailure = problem
                        outcome.stderr += "ERROR committing requested changes failed: \(problem)\n"
                    } else {
                        try commit(after, unit: unit)
                    }
                }
            }
        }
        if case .hook(let item) = invocation {
            model.hookHistory.append(
                HookRecord(
                    unit: unitValue.name,
                    hook: item.hook,
                    relationID: context.relationID.flatMap { id in
                        context.relations.first { $0.id == id }?.key
                    },
                    remoteUnit: item.remoteUnit,
                    outcome: outcome.outcome,
                    exitCode: outcome.exitCode,
                    stdout: outcome.stdout,
                    stderr: outcome.stderr,
                    contextID: contextID,
                    time: Clock.now(),
                    durationMilliseconds: outcome.durationMilliseconds,
                    peakResidentKilobytes: outcome.peakResidentKilobytes,
                    toolCalls: outcome.toolCalls,
                    secretID: item.secretID
                )
            )
        }
        return outcome
    }

    private enum Handler {
        case missing
        case notExecutable(String)
        case executable(String)
    }

    private func resolveHandler(_ invocation: Invocation, charmDirectory: String) -> Handler {
        let dispatch = charmDirectory + "/dispatch"
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: dispatch, isDirectory: &isDirectory), !isDirectory.boolValue {
            return manager.isExecutableFile(atPath: dispatch) ? .executable(dispatch) : .notExecutable(dispatch)
        }
        let path: String
        switch invocation {
        case .hook(let item): path = charmDirectory + "/hooks/" + item.hook
        case .action(let name, _, _): path = charmDirectory + "/actions/" + name
        }
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return .missing
        }
        return manager.isExecutableFile(atPath: path) ? .executable(path) : .notExecutable(path)
    }

    /// The exact hook environment of juju-hook-env.md §2.
    private func hookEnvironment(
        context: ToolContext,
        invocation: Invocation,
        unit: SimUnit,
        charmDirectory: String,
        agentDirectory: String,
        toolsDirectory: String
    ) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var environment: [String: String] = [
            "CHARM_DIR": charmDirectory,
            "JUJU_CHARM_DIR": charmDirectory,
            "JUJU_CONTEXT_ID": context.id,
            "JUJU_AGENT_SOCKET_ADDRESS": "@" + agentDirectory + "/agent.socket",
            "JUJU_AGENT_SOCKET_NETWORK": "unix",
            "JUJU_UNIT_NAME": unit.name,
            "JUJU_MODEL_NAME": model.modelName,
            "JUJU_MODEL_UUID": model.modelUUID,
            "JUJU_API_ADDRESSES": "127.0.0.1:17070",
            "JUJU_MACHINE_ID": unit.machine,
            "JUJU_AVAILABILITY_ZONE": "",
            "JUJU_PRINCIPAL_UNIT": "",
            "JUJU_VERSION": model.jujuVersion,
            "CLOUD_API_VERSION": "",
            "JUJU_CHARM_HTTP_PROXY": "",
            "JUJU_CHARM_HTTPS_PROXY": "",
            "JUJU_CHARM_FTP_PROXY": "",
            "JUJU_CHARM_NO_PROXY": "",
            "PATH": toolsDirectory + ":"
                + (inherited["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            "APT_LISTCHANGES_FRONTEND": "none",
            "DEBIAN_FRONTEND": "noninteractive",
            "LANG": "C.UTF-8",
            "TERM": "tmux-256color",
        ]
        if model.versionPair.0 == 3 { environment["JUJU_SLA"] = "unsupported" }
        switch invocation {
        case .hook(let item):
            environment["JUJU_HOOK_NAME"] = item.hook
            environment["JUJU_DISPATCH_PATH"] = "hooks/" + item.hook
            if let id = item.relationID, let relation = context.relations.first(where: { $0.id == id }) {
                environment["JUJU_RELATION"] = relation.endpoint
                environment["JUJU_RELATION_ID"] = relation.key
                environment["JUJU_REMOTE_APP"] = relation.remoteApp
                environment["JUJU_REMOTE_UNIT"] = item.remoteUnit ?? ""
                if let departing = item.departingUnit { environment["JUJU_DEPARTING_UNIT"] = departing }
            }
            environment.merge(Self.secretEnvironment(item)) { $1 }
        case .action(let name, let id, _):
            environment["JUJU_HOOK_NAME"] = ""
            environment["JUJU_ACTION_NAME"] = name
            environment["JUJU_ACTION_UUID"] = id
            environment["JUJU_ACTION_TAG"] = "action-" + id
            environment["JUJU_DISPATCH_PATH"] = "actions/" + name
        }
        let passthrough = (inherited["CHARM_SIM_PASSTHROUGH_ENV"] ?? "").split(separator: ",")
        for name in passthrough.map({ String($0).trimmingSpaces() }) where !name.isEmpty {
            if let value = inherited[name] { environment[name] = value }
        }
        environment.merge(machine(of: unit).environment ?? [:]) { juju, _ in juju }
        return environment
    }
}

/// Maintains a unit's tools directory of symlinks to the charm-sim binary.
enum ToolLinks {
    /// The charm-sim executable: this process if it is charm-sim, else `CHARM_SIM_BIN`, else a sibling.
    static func binaryPath() -> String {
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        if (own as NSString).lastPathComponent == "charm-sim" { return own }
        if let configured = ProcessInfo.processInfo.environment["CHARM_SIM_BIN"], !configured.isEmpty {
            return configured
        }
        return (own as NSString).deletingLastPathComponent + "/charm-sim"
    }

    /// Creates or refreshes the symlinks for every tool of this Juju version.
    static func ensure(in directory: String, version: (Int, Int)) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binary = binaryPath()
        let wanted = Set(ToolRegistry.names(major: version.0, minor: version.1))
        for existing in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where !wanted.contains(existing) {
            try? manager.removeItem(atPath: directory + "/" + existing)
        }
        for name in wanted {
            let link = directory + "/" + name
            if (try? manager.destinationOfSymbolicLink(atPath: link)) == binary { continue }
            try? manager.removeItem(atPath: link)
            try manager.createSymbolicLink(atPath: link, withDestinationPath: binary)
        }
    }
}
