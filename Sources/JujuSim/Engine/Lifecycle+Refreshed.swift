import Foundation
import JujuKit

extension Simulator {
    /// `deploy-refreshed`: units another charm installed and started, refreshed to `source`.
    ///
    /// Such as the reactive docker-registry charm's units: no state of the new charm, the application's config and (3.x) leader settings as the
    /// previous charm left them, the peer relation already joined; then Juju's refresh sequence on each unit,
    /// upgrade-charm → config-changed → [leader-settings-changed on non-leaders, 3.x] → start.
    func deployRefreshed(
        charm source: String,
        name: String?,
        unitCount: Int,
        config: [String: JSONValue],
        leaderSettings: [String: String]
    ) throws {
        guard model.application == nil else {
            throw SimError("application \"\(model.application?.name ?? "")\" already deployed in \(paths.root)")
        }
        guard unitCount >= 1 else { throw SimError("--unit-count must be at least 1") }
        guard leaderSettings.isEmpty || model.hasLeaderSettings else {
            throw SimError("Juju \(model.jujuVersion) has no leader settings: --leader-settings needs 2.9 or 3.x")
        }
        let absolute = source.hasPrefix("/") ? source : FileManager.default.currentDirectoryPath + "/" + source
        let sourceSpec = try CharmSpec(directory: absolute)
        let appName = name ?? sourceSpec.name
        var application = SimApplication(name: appName, charmSource: (absolute as NSString).standardizingPath)
        application.configOverrides = try coerceConfig(config, spec: sourceSpec)
        application.leaderSettings = leaderSettings.filter { !$0.value.isEmpty }
        application.charmRevision = 1
        model.application = application
        for number in 0..<unitCount {
            var unit = SimUnit(name: "\(appName)/\(number)", machine: String(number))
            unit.leader = number == 0
            // The previous charm ran install and start; its last status stays until the new charm sets one.
            unit.installed = true
            unit.started = true
            unit.agentStatus = StatusValue("idle")
            unit.status = StatusValue("active", "")
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
                relation.members[unit.name] = names.filter { $0 != unit.name }
            }
            relation.created = names
            model.relations.append(relation)
        }
        for index in liveUnitIndices {
            let unit = model.units[index]
            enqueue(unit.name, "upgrade-charm")
            enqueue(unit.name, "config-changed")
            if !unit.leader && model.hasLeaderSettings { enqueue(unit.name, "leader-settings-changed") }
            enqueue(unit.name, "start")
        }
        try drain()
    }
}
