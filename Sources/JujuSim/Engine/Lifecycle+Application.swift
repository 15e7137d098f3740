import Foundation
import JujuKit

extension Simulator {
    /// Creates the application from the charm at `source` with its first units and peer relations, queueing no hook:
    /// what `deploy` and `deploy-refreshed` share.
    ///
    /// Each unit is placed on its machine (`set-machine`), unit 0 leads, and `prepare` adjusts a unit before its
    /// first status is recorded. With `peersJoined`, every unit is already a member of each peer relation, as a
    /// previous charm left them. Returns the charm's spec and the application's name.
    @discardableResult
    func createApplication(
        charm source: String,
        name: String?,
        unitCount: Int,
        config: [String: JSONValue],
        peersJoined: Bool = false,
        prepare: (inout SimUnit) -> Void = { _ in }
    ) throws -> (spec: CharmSpec, name: String) {
        guard model.application == nil else {
            throw SimError("application \"\(model.application?.name ?? "")\" already deployed in \(paths.root)")
        }
        guard unitCount >= 1 else { throw SimError("--unit-count must be at least 1") }
        let absolute = source.hasPrefix("/") ? source : FileManager.default.currentDirectoryPath + "/" + source
        let sourceSpec = try CharmSpec(directory: absolute)
        let appName = name ?? sourceSpec.name
        var application = SimApplication(name: appName, charmSource: (absolute as NSString).standardizingPath)
        application.configOverrides = try coerceConfig(config, spec: sourceSpec)
        model.application = application
        for number in 0..<unitCount {
            var unit = SimUnit(name: "\(appName)/\(number)", machine: String(number))
            place(&unit)
            unit.leader = number == 0
            prepare(&unit)
            unit.statusHistory.append(unit.status)
            try CharmCopier.copy(from: absolute, to: paths.charm(unit.tag), excluding: [paths.root])
            model.units.append(unit)
        }
        model.application?.nextUnitNumber = unitCount
        invalidateSpec()
        let names = model.units.map(\.name)
        for peer in sourceSpec.peers {
            var relation = SimRelation(
                id: model.nextRelationID,
                endpoint: peer.name,
                interface: peer.interface,
                role: "peers",
                remoteApp: appName
            )
            model.nextRelationID += 1
            relation.appData[appName] = [:]
            for unit in model.units {
                relation.unitData[unit.name] = seededBag(address: unit.privateAddress)
                if peersJoined { relation.members[unit.name] = names.filter { $0 != unit.name } }
            }
            if peersJoined { relation.created = names }
            model.relations.append(relation)
        }
        return (sourceSpec, appName)
    }
}
