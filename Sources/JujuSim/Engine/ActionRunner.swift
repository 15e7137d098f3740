import Foundation
import JujuKit

extension Simulator {
    /// `run <action>`: validates, runs (even while the unit is in hook error), commits only on exit 0, then runs the
    /// hooks its relation writes queued.
    func runAction(_ name: String, unit unitName: String?, parameters: [String: JSONValue]) throws -> ActionRecord {
        let index = try unitIndex(unitName)
        let unit = model.units[index]
        let spec = try spec()
        guard let schema = spec.actions[name] else {
            throw SimError("action \"\(name)\" not defined on unit \"\(unit.name)\"")
        }
        let validated = try ActionSchema.validate(parameters, schema: schema)
        let id = String(model.nextTaskID)
        model.nextTaskID += 2
        let enqueued = Clock.now()
        let outcome = try execute(.action(name: name, id: id, parameters: validated), unit: index)
        var record = ActionRecord(
            id: id,
            name: name,
            unit: unit.name,
            parameters: validated,
            status: "completed",
            message: nil,
            results: [:],
            log: [],
            enqueued: enqueued,
            started: enqueued,
            completed: Clock.now()
        )
        if outcome.missing {
            record.status = "failed"
            record.message = "action not implemented on unit \"\(unit.name)\""
        } else {
            let context = outcome.context?.action
            record.results = context?.results ?? [:]
            record.log = context?.log ?? []
            record.durationMilliseconds = outcome.durationMilliseconds
            record.toolCalls = outcome.toolCalls
            let code = outcome.exitCode ?? 0
            record.results["return-code"] = .int(Int(code))
            if !outcome.stdout.isEmpty { record.results["stdout"] = .string(outcome.stdout) }
            if !outcome.stderr.isEmpty { record.results["stderr"] = .string(outcome.stderr) }
            if context?.failed == true {
                record.status = "failed"
                record.message = context?.failMessage
            }
            if code != 0 {
                record.status = "failed"
                record.message = "exit status \(code)"
            } else if outcome.commitFailure != nil {
                record.status = "failed"
                record.message = "committing requested changes failed"
            }
        }
        model.actions.append(record)
        // What the action wrote to relations triggers hooks (a peer's -relation-changed), run after it as Juju does.
        try drain()
        return record
    }
}
