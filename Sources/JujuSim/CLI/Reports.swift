import JujuKit

/// Machine- and human-readable views of the model for the CLI.
extension Simulator {
    /// A `juju status`-like summary.
    func statusReport() -> JSONValue {
        var units: [String: JSONValue] = [:]
        for unit in model.units {
            var workload: [String: JSONValue] = [
                "current": .string(unit.status.status), "message": .string(unit.status.message),
                "since": .string(unit.status.since),
            ]
            if unit.agentStatus.status == "error" {
                workload = [
                    "current": "error", "message": .string(unit.agentStatus.message),
                    "since": .string(unit.agentStatus.since),
                ]
            }
            var entry: [String: JSONValue] = [
                "workload-status": .object(workload),
                "juju-status": .object([
                    "current": .string(unit.removed ? "terminated" : unit.agentStatus.status),
                    "message": .string(unit.agentStatus.message),
                ]),
                "leader": .bool(unit.leader), "machine": .string(unit.machine),
                "public-address": .string(unit.publicAddress),
                "open-ports": .array(unit.ports.map { .string($0.range.text) }),
            ]
            if unit.removed { entry["removed"] = true }
            if unit.isDying && !unit.removed { entry["life"] = "dying" }
            if let failed = unit.failedHook {
                entry["failed-hook"] = .string(failed.hook)
                entry["queued-hooks"] = .int(model.queue.filter { $0.unit == unit.name }.count)
            }
            units[unit.name] = .object(entry)
        }
        var relations: [JSONValue] = []
        for relation in model.relations where !relation.broken {
            relations.append(
                .object([
                    "id": .int(relation.id), "endpoint": .string(relation.endpoint),
                    "interface": .string(relation.interface), "role": .string(relation.role),
                    "remote-application": .string(relation.remoteApp),
                    "remote-units": .array((relation.isPeer ? [] : relation.remoteUnits).map(JSONValue.string)),
                    "scope": .string(relation.scope ?? "global"),
                ])
            )
        }
        var application: JSONValue = .null
        if let app = model.application {
            application = .object([
                "name": .string(app.name), "charm": .string(app.charmSource), "charm-rev": .int(app.charmRevision),
                "application-status": .object([
                    "current": .string(app.status.status), "message": .string(app.status.message),
                ]),
                "version": .string(app.workloadVersion), "units": .object(units),
            ])
        }
        return .object([
            "model": .object([
                "name": .string(model.modelName), "uuid": .string(model.modelUUID),
                "version": .string(model.jujuVersion),
            ]),
            "application": application, "relations": .array(relations),
        ])
    }

    /// All bags of a relation.
    func relationReport(_ id: Int) throws -> JSONValue {
        guard let index = model.relationIndex(id) else { throw SimError("relation \(id) not found") }
        let relation = model.relations[index]
        return .object([
            "id": .int(relation.id), "key": .string(relation.key), "endpoint": .string(relation.endpoint),
            "interface": .string(relation.interface), "role": .string(relation.role),
            "remote-application": .string(relation.remoteApp), "broken": .bool(relation.broken),
            "application-data": .object(relation.appData.mapValues { .object($0.mapValues(JSONValue.string)) }),
            "unit-data": .object(relation.unitData.mapValues { .object($0.mapValues(JSONValue.string)) }),
            "members": .object(relation.members.mapValues { .array($0.map(JSONValue.string)) }),
            "scope": .string(relation.scope ?? "global"),
            "remote-units": .array(relation.remoteUnits.map(JSONValue.string)),
            "remote-members": remoteMembers(relation),
        ])
    }

    /// What each remote unit's relation-list would show: the live local units in its scope that created the
    /// relation (for peers, nothing: the members map already is that view).
    private func remoteMembers(_ relation: SimRelation) -> JSONValue {
        guard !relation.isPeer, !relation.broken else { return .object([:]) }
        var result: [String: JSONValue] = [:]
        for remote in relation.remoteUnits {
            let local = liveUnitIndices.map { model.units[$0].name }.filter { unit in
                relation.created.contains(unit) && relation.remoteUnits(visibleTo: unit).contains(remote)
            }
            result[remote] = .array(local.map(JSONValue.string))
        }
        return .object(result)
    }

    /// Hook history as JSON values.
    func historyReport(unit: String?) -> JSONValue {
        .array(
            model.hookHistory.filter { unit == nil || $0.unit == unit }.map { record in
                var entry: [String: JSONValue] = [
                    "unit": .string(record.unit), "hook": .string(record.hook), "outcome": .string(record.outcome),
                    "stdout": .string(record.stdout), "stderr": .string(record.stderr),
                    "context-id": .string(record.contextID), "time": .string(record.time),
                ]
                entry["exit-code"] = record.exitCode.map { .int(Int($0)) } ?? .null
                if let relation = record.relationID { entry["relation-id"] = .string(relation) }
                if let remote = record.remoteUnit { entry["remote-unit"] = .string(remote) }
                if let duration = record.durationMilliseconds { entry["duration-ms"] = .double(duration) }
                if let peak = record.peakResidentKilobytes { entry["peak-rss-kib"] = .int(peak) }
                if let calls = record.toolCalls { entry["tool-calls"] = .array(calls.map(JSONValue.string)) }
                if let secret = record.secretID { entry["secret-id"] = .string(secret) }
                return .object(entry)
            }
        )
    }

    /// An action record shaped like `juju run --format yaml`.
    static func actionReport(_ record: ActionRecord) -> JSONValue {
        var task: [String: JSONValue] = [
            "id": .string(record.id), "results": .object(record.results), "status": .string(record.status),
            "unit": .string(record.unit),
            "timing": .object([
                "enqueued": .string(record.enqueued), "started": .string(record.started),
                "completed": .string(record.completed),
            ]),
        ]
        if !record.log.isEmpty { task["log"] = .array(record.log.map(JSONValue.string)) }
        if let message = record.message { task["message"] = .string(message) }
        return .object([record.unit: .object(task)])
    }

    /// `juju run`'s default plain output.
    static func actionPlain(_ record: ActionRecord) -> String {
        var output = ""
        if record.status == "failed" { output += "Action id \(record.id) failed: \(record.message ?? "")\n" }
        let visible = record.results.filter { !["return-code", "stdout", "stderr"].contains($0.key) }
        if !visible.isEmpty { output += YAMLv2Emitter.emit(.object(visible)) }
        if case .string(let text) = record.results["stdout"] { output += text.hasSuffix("\n") ? text : text + "\n" }
        if case .string(let text) = record.results["stderr"] { output += text.hasSuffix("\n") ? text : text + "\n" }
        return output
    }
}
