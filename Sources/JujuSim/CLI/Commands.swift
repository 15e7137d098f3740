import Foundation
import JujuKit

/// The CLI commands.
enum Commands {
    /// Runs `command`; returns the exit code (hook failures are added by the caller).
    static func run(_ command: String, arguments: [String], flags: ParsedArguments, simulator: Simulator) throws
        -> Int32
    {
        let format = flags.value("format")
        switch command {
        case "deploy":
            guard let charm = arguments.first else { throw SimError("usage: deploy <charm-dir> [k=v…]") }
            if let version = flags.value("juju-version") { simulator.model.jujuVersion = try jujuVersion(version) }
            let count = try integer(flags.value("unit-count") ?? "1", flag: "--unit-count")
            var config: [String: JSONValue] = [:]
            if let file = flags.value("config") { config = try readConfigFile(file, app: flags.value("app")) }
            for (key, value) in try pairs(Array(arguments.dropFirst())) { config[key] = .string(value) }
            try simulator.deploy(charm: charm, name: flags.value("app"), unitCount: count, config: config)
            CLI.out("deployed \(simulator.model.application?.name ?? "") (\(count) unit\(count == 1 ? "" : "s"))\n")
            return 0
        case "deploy-refreshed":
            guard let charm = arguments.first else {
                throw SimError("usage: deploy-refreshed <charm-dir> [--leader-settings FILE.yaml] [k=v…]")
            }
            if let version = flags.value("juju-version") { simulator.model.jujuVersion = try jujuVersion(version) }
            let count = try integer(flags.value("unit-count") ?? "1", flag: "--unit-count")
            var config: [String: JSONValue] = [:]
            if let file = flags.value("config") { config = try readConfigFile(file, app: flags.value("app")) }
            for (key, value) in try pairs(Array(arguments.dropFirst())) { config[key] = .string(value) }
            let settings = try flags.value("leader-settings").map(readStringMap)?.compactMapValues { $0 } ?? [:]
            try simulator.deployRefreshed(
                charm: charm,
                name: flags.value("app"),
                unitCount: count,
                config: config,
                leaderSettings: settings
            )
            CLI.out("refreshed \(simulator.model.application?.name ?? "") (\(count) unit\(count == 1 ? "" : "s"))\n")
            return 0
        case "config":
            var values: [String: JSONValue] = [:]
            for (key, value) in try pairs(arguments) { values[key] = .string(value) }
            let reset = (flags.value("reset") ?? "").split(separator: ",").map(String.init)
            if values.isEmpty && reset.isEmpty {
                CLI.out(render(.object(try simulator.effectiveConfig()), format: format ?? "yaml"))
                return 0
            }
            let changed = try simulator.configure(values, reset: reset)
            if !changed { CLI.out("config unchanged; no config-changed hook\n") }
            return 0
        case "run":
            guard let action = arguments.first else { throw SimError("usage: run <action> [k=v…]") }
            var parameters: [String: JSONValue] = [:]
            if let file = flags.value("params") {
                parameters = try readYAMLMap(file).objectValue ?? [:]
            }
            let given = try ActionSchema.parseArguments(
                Array(arguments.dropFirst()),
                stringArgs: flags.flag("string-args")
            )
            parameters.merge(given) { $1 }
            let record = try simulator.runAction(action, unit: flags.value("unit"), parameters: parameters)
            switch format ?? "plain" {
            case "json": CLI.out(GoJSON.encode(Simulator.actionReport(record)) + "\n")
            case "yaml": CLI.out(YAMLv2Emitter.emit(Simulator.actionReport(record)))
            case "plain": CLI.out(Simulator.actionPlain(record))
            default: throw SimError("usage: --format must be plain, yaml or json")
            }
            let code = record.results["return-code"]?.intValue ?? (record.status == "failed" ? 1 : 0)
            if code >= 1 {
                return CLI.fail(1, "the following task failed:\n - id \"\(record.id)\" with return code \(code)")
            }
            return 0
        case "relate":
            guard arguments.count == 2 else { throw SimError("usage: relate <endpoint> <remote-app>") }
            let units = try flags.value("units").map { try integer($0, flag: "--units") }
            let unitData = try flags.value("unit-data").map { path in
                try RelationUnitData.parse(readYAMLMap(path).objectValue ?? [:], remoteApp: arguments[1], source: path)
            }
            let appData = try flags.value("app-data").map(readStringMap) ?? [:]
            let relation = try simulator.relate(
                endpoint: arguments[0],
                remoteApp: arguments[1],
                units: units,
                scope: flags.value("scope"),
                unitData: unitData ?? .all([:]),
                appData: appData.compactMapValues { $0 }
            )
            if format == "json" {
                CLI.out(GoJSON.encode(.object(["id": .int(relation.id), "key": .string(relation.key)])) + "\n")
            } else {
                CLI.out("\(relation.id)\n")
            }
            return 0
        case "add-unit":
            try noArguments(arguments, command)
            let added = try simulator.addUnits(count: try integer(flags.value("count") ?? "1", flag: "--count"))
            CLI.out(added.map { $0 + "\n" }.joined())
            return 0
        case "set-machine":
            guard arguments.count == 2 else { throw SimError("usage: set-machine <machine> FILE.yaml") }
            try simulator.setMachine(
                arguments[0],
                try SimMachine.parse(readYAMLMap(arguments[1]), source: arguments[1])
            )
            return 0
        case "remove-unit":
            guard !arguments.isEmpty else { throw SimError("usage: remove-unit <unit> [<unit>…]") }
            try simulator.removeUnits(arguments)
            return 0
        case "set-relation-data":
            guard arguments.count >= 3 else {
                throw SimError("usage: set-relation-data <rel-id> <unit-or-app> (FILE.yaml | k=v…)")
            }
            let id = try relationID(arguments[0])
            var updates: [String: String?] = [:]
            if arguments.count == 3 && !arguments[2].contains("=") {
                updates = try readStringMap(arguments[2])
            } else {
                for (key, value) in try pairs(Array(arguments.dropFirst(2))) { updates[key] = .some(value) }
            }
            try simulator.setRelationData(id, owner: arguments[1], updates: updates)
            return 0
        case "relation-data":
            guard arguments.count == 1 else { throw SimError("usage: relation-data <rel-id>") }
            let report = try simulator.relationReport(try relationID(arguments[0]))
            CLI.out(render(report, format: format ?? "json"))
            return 0
        case "unrelate":
            guard arguments.count == 1 else { throw SimError("usage: unrelate <rel-id>") }
            try simulator.unrelate(try relationID(arguments[0]))
            return 0
        case "status":
            CLI.out(render(simulator.statusReport(), format: format ?? "yaml"))
            return 0
        case "hook":
            guard arguments.count == 1 else {
                throw SimError("usage: hook <name> [--relation ID] [--remote-unit U] [--secret ID|NAME [--revision N]]")
            }
            let relation = try flags.value("relation").map(relationID)
            try simulator.runSingleHook(
                arguments[0],
                unit: flags.value("unit"),
                relation: relation,
                remoteUnit: flags.value("remote-unit"),
                secret: flags.value("secret"),
                revision: try flags.value("revision").map { try integer($0, flag: "--revision") }
            )
            return 0
        case "add-secret", "update-secret", "grant-secret", "revoke-secret", "remove-secret", "secrets",
            "list-secrets", "show-secret":
            return try secretCommand(command, arguments: arguments, flags: flags, simulator: simulator)
        case "update-status":
            try noArguments(arguments, command)
            try simulator.updateStatus()
            return 0
        case "upgrade":
            guard arguments.count <= 1 else { throw SimError("usage: upgrade [<charm-dir>]") }
            try simulator.upgrade(from: arguments.first)
            return 0
        case "remove":
            try noArguments(arguments, command)
            try simulator.remove()
            return 0
        case "resolve":
            try noArguments(arguments, command)
            try simulator.resolve(unit: flags.value("unit"), noRetry: flags.flag("no-retry"))
            return 0
        case "set-leader":
            guard arguments.count == 1 else {
                throw SimError("usage: set-leader <unit> | set-leader true|false [--unit U]")
            }
            if let leader = FlagParser.parseBool(arguments[0]) {
                try simulator.setLeader(unit: flags.value("unit"), leader: leader)
            } else if RelationTools.isUnitName(arguments[0]), flags.value("unit") == nil {
                try simulator.setLeader(to: arguments[0])
            } else {
                throw SimError("usage: set-leader <unit> | set-leader true|false [--unit U]")
            }
            return 0
        case "log":
            try noArguments(arguments, command)
            let lines = simulator.model.logs.filter { flags.value("unit") == nil || $0.unit == flags.value("unit") }
            if format == "json" {
                let values: [JSONValue] = lines.map {
                    .object([
                        "unit": .string($0.unit), "level": .string($0.level), "message": .string($0.message),
                        "time": .string($0.time),
                    ])
                }
                CLI.out(GoJSON.encode(.array(values)) + "\n")
            } else {
                for line in lines {
                    CLI.out("\(line.unit): \(line.time) \(line.level) unit.\(line.unit).juju-log \(line.message)\n")
                }
            }
            return 0
        case "history":
            try noArguments(arguments, command)
            CLI.out(render(simulator.historyReport(unit: flags.value("unit")), format: format ?? "yaml"))
            return 0
        default:
            throw SimError("usage: unknown command \"\(command)\" (see charm-sim help)")
        }
    }

    /// The user-secret verbs, modelled on `juju add-secret`, `update-secret`, `grant-secret`, `revoke-secret`,
    /// `remove-secret`, `secrets` and `show-secret`.
    private static func secretCommand(
        _ command: String,
        arguments: [String],
        flags: ParsedArguments,
        simulator: Simulator
    ) throws -> Int32 {
        var change = Simulator.UserSecretChange(file: flags.value("file"), info: flags.value("info"))
        switch command {
        case "add-secret":
            guard let name = arguments.first else {
                throw SimError("usage: add-secret <name> [key[#base64|#file]=value...] [--info TEXT] [--file FILE]")
            }
            change.values = Array(arguments.dropFirst())
            CLI.out(try simulator.addUserSecret(name: name, change).shortURI + "\n")
        case "update-secret":
            guard let reference = arguments.first else { throw SimError("usage: missing secret URI") }
            change.values = Array(arguments.dropFirst())
            change.name = flags.value("name")
            if flags.value("auto-prune") != nil { change.autoPrune = flags.flag("auto-prune") }
            try simulator.updateUserSecret(reference, change)
        case "grant-secret", "revoke-secret":
            guard arguments.count >= 2 else { throw SimError("usage: missing secret URI or application name") }
            try noArguments(Array(arguments.dropFirst(2)), command)
            let applications = arguments[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let problems = try simulator.grantUserSecret(
                arguments[0],
                applications: applications,
                grant: command == "grant-secret"
            )
            if !problems.isEmpty {
                // What could be granted stays granted (the model is saved), as Juju's per-application results.
                return CLI.fail(1, "failed to grant/revoke secret: " + problems.joined(separator: ", "))
            }
        case "remove-secret":
            guard let reference = arguments.first else { throw SimError("usage: missing secret URI") }
            try noArguments(Array(arguments.dropFirst()), command)
            let revision = try flags.value("revision").map { try integer($0, flag: "--revision") }
            try simulator.removeUserSecret(reference, revision: revision.flatMap { $0 > 0 ? $0 : nil })
        case "show-secret":
            return try showSecret(arguments, flags: flags, simulator: simulator)
        default:
            try noArguments(arguments, command)
            var selected = simulator.secrets
            if let owner = flags.value("owner") {
                let parts = owner.split(separator: "-")
                guard owner.hasPrefix("application-") || owner.hasPrefix("unit-"), parts.count >= 2 else {
                    throw SimError("invalid owner \(SecretContent.quoted(owner))")
                }
                let unitOwner = owner.hasPrefix("unit-")
                let id =
                    unitOwner
                    ? parts.dropFirst().dropLast().joined(separator: "-") + "/" + (parts.last ?? "")
                    : String(owner.dropFirst("application-".count))
                selected = selected.filter { $0.ownerKind == (unitOwner ? "unit" : "application") && $0.ownerID == id }
            }
            switch flags.value("format") ?? "tabular" {
            case "tabular":
                let table = simulator.secretsTable()
                CLI.out(selected.count == simulator.secrets.count ? table : filteredTable(table, selected))
            case let format:
                let report = simulator.secretsReport(selected, revisions: flags.flag("revisions"))
                CLI.out(try renderSecrets(report, format: format))
            }
        }
        return 0
    }

    /// The table's header and the rows of `selected` (the table lists them by id in its first column).
    private static func filteredTable(_ table: String, _ selected: [SimSecret]) -> String {
        let ids = Set(selected.map(\.id))
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.enumerated().filter { index, line in
            index == 0 || ids.contains(String(line.prefix { $0 != " " }))
        }
        return kept.map { String($0.element) }.joined(separator: "\n")
    }

    /// `show-secret <name|id> [--reveal] [--revisions] [--revision N] [--format yaml|json]`.
    private static func showSecret(_ arguments: [String], flags: ParsedArguments, simulator: Simulator) throws -> Int32
    {
        guard let reference = arguments.first else { throw SimError("usage: secret ID is required") }
        try noArguments(Array(arguments.dropFirst()), "show-secret")
        let revision = try flags.value("revision").map { try integer($0, flag: "--revision") }
        if flags.flag("revisions") {
            if flags.flag("reveal") { throw SimError("usage: specify either --revisions or --reveal but not both") }
            if (revision ?? 0) > 0 {
                throw SimError("usage: specify either --revisions or --revision but not both")
            }
        }
        if (revision ?? 0) < 0 { throw SimError("usage: revision must be a positive integer") }
        let uri = try? SecretURI.parse(reference)
        let found = simulator.secrets.first { secret in
            if let uri { return secret.id == uri.id }
            return secret.label == reference
        }
        guard let found, revision.map({ found.content(revision: $0) != nil || $0 == 0 }) ?? true else {
            throw SimError("secret \(SecretContent.quoted(uri?.id ?? reference)) not found")
        }
        let report = simulator.secretsReport(
            [found],
            reveal: flags.flag("reveal"),
            revisions: flags.flag("revisions"),
            grants: true,
            revision: revision.flatMap { $0 > 0 ? $0 : nil }
        )
        CLI.out(try renderSecrets(report, format: flags.value("format") ?? "yaml"))
        return 0
    }

    private static func renderSecrets(_ report: JSONValue, format: String) throws -> String {
        switch format {
        case "yaml": return YAMLv2Emitter.emit(report, order: Simulator.secretsOrder)
        case "json": return GoJSON.encode(report, order: Simulator.secretsOrder) + "\n"
        default: throw SimError("usage: invalid value \"\(format)\" for option --format: unknown format \"\(format)\"")
        }
    }

    private static func render(_ value: JSONValue, format: String) -> String {
        format == "json" ? GoJSON.encode(value) + "\n" : YAMLv2Emitter.emit(value)
    }

    private static func noArguments(_ arguments: [String], _ command: String) throws {
        guard arguments.isEmpty else {
            throw SimError("usage: \(command) takes no arguments, got \(ToolError.quotedList(arguments))")
        }
    }

    /// `--juju-version`: 2.9, 3.6, 4.0 or a full version.
    private static func jujuVersion(_ version: String) throws -> String {
        let known = ["2.9": "2.9.51", "3.6": "3.6.4", "4.0": "4.0.0"]
        guard let full = known[version] ?? (version.split(separator: ".").count == 3 ? version : nil) else {
            throw SimError("usage: --juju-version must be 2.9, 3.6, 4.0 or a full version")
        }
        return full
    }

    private static func integer(_ text: String, flag: String) throws -> Int {
        guard let value = Int(text) else { throw SimError("usage: \(flag) expects an integer, got \"\(text)\"") }
        return value
    }

    private static func relationID(_ text: String) throws -> Int {
        let digits = text.split(separator: ":").last.map(String.init) ?? text
        guard let id = Int(digits) else { throw SimError("usage: invalid relation id \"\(text)\"") }
        return id
    }

    private static func pairs(_ arguments: [String]) throws -> [(String, String)] {
        do {
            return try KeyValues.parse(arguments)
        } catch {
            if case .usage(let message) = error { throw SimError("usage: " + message) }
            throw SimError("\(error)")
        }
    }

    private static func readYAMLMap(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else { throw SimError("cannot read \(path)") }
        let value = try YAMLReader.parse(String(decoding: data, as: UTF8.self), source: path)
        guard value == .null || value.objectValue != nil else { throw SimError("\(path): expected a YAML map") }
        return value == .null ? .object([:]) : value
    }

    private static func readStringMap(_ path: String) throws -> [String: String?] {
        SettingsMap.strings(from: try readYAMLMap(path).objectValue ?? [:])
    }

    private static func readConfigFile(_ path: String, app: String?) throws -> [String: JSONValue] {
        let document = try readYAMLMap(path).objectValue ?? [:]
        if document.count == 1, let (key, value) = document.first, let nested = value.objectValue,
            app == nil || app == key
        {
            return nested
        }
        return document
    }
}
