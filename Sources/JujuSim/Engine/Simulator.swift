import Foundation
import JujuKit

/// The simulated controller plus unit agents for one application: owns the model, runs hooks one at a time.
final class Simulator {
    /// The state-directory layout.
    let paths: SimPaths
    /// The model, saved by ``save()``.
    var model: SimModel
    /// Hook and action failures seen during this command (for the CLI's exit code).
    var failures: [String] = []
    /// Where progress lines go.
    var progress: (String) -> Void = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
    private var cachedSpec: CharmSpec?

    /// Loads (or starts) the model in `paths`.
    init(paths: SimPaths) throws {
        self.paths = paths
        try FileManager.default.createDirectory(atPath: paths.root, withIntermediateDirectories: true)
        model = try JSONFile.read(SimModel.self, from: paths.model) ?? SimModel()
    }

    /// Writes the model back.
    func save() throws { try JSONFile.write(model, to: paths.model, pretty: true, mode: 0o600) }

    /// The application, or an error when nothing is deployed.
    func requireApplication() throws -> SimApplication {
        guard let application = model.application else { throw SimError("no application deployed; run deploy first") }
        return application
    }

    /// The charm spec of the deployed application (read from the first unit's charm copy).
    func spec() throws -> CharmSpec {
        if let cachedSpec { return cachedSpec }
        guard let unit = model.units.first else { throw SimError("no application deployed; run deploy first") }
        let spec = try CharmSpec(directory: paths.charm(unit.tag))
        cachedSpec = spec
        return spec
    }

    /// Forgets the cached spec after the charm changed.
    func invalidateSpec() { cachedSpec = nil }

    /// Index of a live unit by name, or the leader (else the first live unit) when `name` is nil.
    func unitIndex(_ name: String?) throws -> Int {
        if let name {
            guard let index = model.unitIndex(name), !model.units[index].removed else {
                throw SimError("unit \"\(name)\" not found")
            }
            return index
        }
        if let index = model.units.firstIndex(where: { $0.leader && !$0.removed }) { return index }
        guard let index = model.units.firstIndex(where: { !$0.removed }) else {
            throw SimError("no units; run deploy first")
        }
        return index
    }

    /// Live units (neither removed nor dying), sorted by unit number.
    var liveUnitIndices: [Int] {
        model.units.indices.filter { !model.units[$0].removed && !model.units[$0].isDying }.sorted {
            unitSortKey(model.units[$0].name) < unitSortKey(model.units[$1].name)
        }
    }

    /// Effective config: overrides, else defaults, else null.
    func effectiveConfig() throws -> [String: JSONValue] {
        let spec = try spec()
        let overrides = model.application?.configOverrides ?? [:]
        var result: [String: JSONValue] = [:]
        for (name, option) in spec.options {
            result[name] = overrides[name] ?? option.defaultValue ?? .null
        }
        return result
    }

    /// Appends a hook to the queue.
    func enqueue(_ unit: String, _ hook: String, relation: Int? = nil, remote: String? = nil, departing: String? = nil)
    {
        model.queue.append(
            QueuedHook(unit: unit, hook: hook, relationID: relation, remoteUnit: remote, departingUnit: departing)
        )
    }

    /// Runs queued hooks until none can run (units in error keep theirs).
    func drain() throws {
        while let index = model.queue.firstIndex(where: { item in
            guard let unit = model.unitIndex(item.unit) else { return true }
            return model.units[unit].failedHook == nil
        }) {
            let item = model.queue.remove(at: index)
            guard let unit = model.unitIndex(item.unit), !model.units[unit].removed else { continue }
            try runHook(item, unit: unit)
        }
        for index in model.units.indices where model.units[index].failedHook != nil {
            let waiting = model.queue.filter { $0.unit == model.units[index].name }.count
            if waiting > 0 { progress("\(model.units[index].name): \(waiting) hook(s) waiting until resolved") }
        }
    }
}

/// Sort key for unit names: application, then number.
func unitSortKey(_ name: String) -> String {
    let parts = name.split(separator: "/")
    let number = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
    let padded = String(number)
    return String(parts.first ?? "") + "/" + String(repeating: "0", count: max(0, 10 - padded.count)) + padded
}
