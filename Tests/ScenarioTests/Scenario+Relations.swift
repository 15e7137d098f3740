import Foundation
import JujuKit
import JujuKitTesting

/// Juju's relation hook sequences on the pretend unit.
extension Scenario {
    /// Relates `endpoint` to `remoteApp` with `units` (each with its databag); returns the relation id.
    ///
    /// Runs created, then joined and changed for each unit in order, as Juju does.
    @discardableResult
    func relate(
        _ endpoint: String,
        _ remoteApp: String,
        units: [String: [String: String]] = [:],
        appData: [String: String] = [:]
    ) async -> String {
        let id = "\(endpoint):\(nextRelationNumber())"
        tools.update {
            $0.relations[id] = .init(endpoint: endpoint, remoteApp: remoteApp, remoteAppData: appData)
        }
        await run(.relation(endpoint: endpoint, kind: .created), relationID: id)
        for unit in units.keys.sorted(by: UnitName.precedes) {
            tools.update {
                $0.relations[id]?.remoteUnits.append(unit)
                $0.relations[id]?.remoteUnitData[unit] = ["ingress-address": "10.9.9.\(UnitName.number(unit) ?? 0)"]
                    .merging(units[unit] ?? [:]) { $1 }
            }
            await run(.relation(endpoint: endpoint, kind: .joined), relationID: id, remoteUnit: unit)
            await run(.relation(endpoint: endpoint, kind: .changed), relationID: id, remoteUnit: unit)
        }
        return id
    }

    /// Changes a remote unit's databag and runs relation-changed for it.
    @discardableResult
    func changeRemote(_ id: String, unit: String, _ data: [String: String?]) async -> CharmDispatcher.Outcome {
        tools.update { model in
            for (key, value) in data { model.relations[id]?.remoteUnitData[unit, default: [:]][key] = value ?? nil }
        }
        let endpoint = tools.model.relations[id]?.endpoint ?? ""
        return await run(.relation(endpoint: endpoint, kind: .changed), relationID: id, remoteUnit: unit)
    }

    /// A remote unit joins an existing relation (joined, then changed).
    func join(_ id: String, unit: String, data: [String: String] = [:]) async {
        let endpoint = tools.model.relations[id]?.endpoint ?? ""
        tools.update {
            $0.relations[id]?.remoteUnits.append(unit)
            $0.relations[id]?.remoteUnitData[unit] = ["ingress-address": "10.9.9.\(UnitName.number(unit) ?? 0)"]
                .merging(data) { $1 }
        }
        await run(.relation(endpoint: endpoint, kind: .joined), relationID: id, remoteUnit: unit)
        await run(.relation(endpoint: endpoint, kind: .changed), relationID: id, remoteUnit: unit)
    }

    /// A remote unit departs (its databag stays readable, as in Juju).
    func depart(_ id: String, unit: String) async {
        let endpoint = tools.model.relations[id]?.endpoint ?? ""
        tools.update { $0.relations[id]?.remoteUnits.removeAll { $0 == unit } }
        await run(.relation(endpoint: endpoint, kind: .departed), relationID: id, remoteUnit: unit, departingUnit: unit)
    }

    /// `juju remove-relation`: departed for each remote unit, then broken (the relation is gone from relation-ids).
    func unrelate(_ id: String) async {
        let endpoint = tools.model.relations[id]?.endpoint ?? ""
        for unit in tools.model.relations[id]?.remoteUnits ?? [] { await depart(id, unit: unit) }
        tools.update { $0.relations[id] = nil }
        await run(.relation(endpoint: endpoint, kind: .broken), relationID: id)
    }

    /// This unit's databag on relation `id`.
    func published(_ id: String) -> [String: String] { tools.model.relations[id]?.localUnitData ?? [:] }

    private func nextRelationNumber() -> Int {
        let numbers = tools.model.relations.keys.compactMap { Int($0.split(separator: ":").last ?? "") }
        return (numbers.max() ?? 0) + 1
    }
}
