import Foundation
import JujuKit

/// Scaling and leadership: `add-unit`, `remove-unit`, leadership moves and the dying-unit teardown.
extension Simulator {
    /// `add-unit`: new units join the application as Juju's non-leader setup sequence; returns their names.
    ///
    /// Each runs install → relation-created (peers, then every existing relation) → leader-settings-changed (3.x) →
    /// config-changed → start, then joins: peers pairwise (both sides, sorted), and each remote unit it can see in
    /// every other relation. With no live leader the first new unit is elected (leader-elected in place of
    /// leader-settings-changed).
    func addUnits(count: Int) throws -> [String] {
        let application = try requireApplication()
        guard count >= 1 else { throw SimError("--count must be at least 1") }
        guard application.dying != true else {
            throw SimError("application \"\(application.name)\" is being removed")
        }
        _ = try CharmSpec(directory: application.charmSource)
        let leaderless = !liveUnitIndices.contains { model.units[$0].leader }
        var added: [String] = []
        for _ in 0..<count {
            let number = model.application?.nextUnitNumber ?? 0
            var unit = SimUnit(name: "\(application.name)/\(number)", machine: String(number))
            place(&unit)
            unit.statusHistory.append(unit.status)
            try CharmCopier.copy(from: application.charmSource, to: paths.charm(unit.tag), excluding: [paths.root])
            model.units.append(unit)
            model.application?.nextUnitNumber = number + 1
            added.append(unit.name)
            for index in model.relations.indices where !model.relations[index].broken {
                model.relations[index].unitData[unit.name] = seededBag(address: unit.privateAddress)
                if model.relations[index].isContainerScoped {
                    var relation = model.relations[index]
                    addSubordinate(to: &relation, principal: unit)
                    model.relations[index] = relation
                }
            }
        }
        let relations = model.relations.filter { !$0.broken }
        let ordered = relations.filter(\.isPeer) + relations.filter { !$0.isPeer }
        for name in added {
            enqueue(name, "install")
            for relation in ordered {
                enqueue(name, "\(relation.endpoint)-relation-created", relation: relation.id, remote: "")
            }
            if leaderless && name == added.first, let index = model.unitIndex(name) {
                for other in model.units.indices { model.units[other].leader = other == index }
                enqueue(name, "leader-elected")
            } else if model.hasLeaderSettings {
                enqueue(name, "leader-settings-changed")
            }
            enqueue(name, "config-changed")
            enqueue(name, "start")
        }
        for relation in relations where relation.isPeer { queuePeerJoins(relation: relation.id) }
        for relation in relations where !relation.isPeer {
            for name in added { queueJoins(relation: relation, unit: name) }
        }
        try drain()
        return added
    }

    /// `remove-unit`: each unit departs (see ``queueDeparture(of:)``); the remaining units get -departed for it on
    /// peer relations; its container-scoped subordinates go; a removed leader's leadership moves on at `remove`.
    func removeUnits(_ names: [String]) throws {
        _ = try requireApplication()
        guard !names.isEmpty else { throw SimError("usage: remove-unit <unit> [<unit>…]") }
        var indices: [Int] = []
        for name in names {
            guard let index = model.unitIndex(name), !model.units[index].removed, !model.units[index].isDying else {
                throw SimError("unit \"\(name)\" not found")
            }
            if !indices.contains(index) { indices.append(index) }
        }
        for index in indices { model.units[index].dying = true }
        for index in indices {
            let dying = model.units[index].name
            queueDeparture(of: index)
            for relationIndex in model.relations.indices where !model.relations[relationIndex].broken {
                let relation = model.relations[relationIndex]
                if relation.isPeer {
                    for other in liveUnitIndices {
                        let observer = model.units[other].name
                        guard (relation.members[observer] ?? []).contains(dying) else { continue }
                        let hook = "\(relation.endpoint)-relation-departed"
                        enqueue(observer, hook, relation: relation.id, remote: dying, departing: dying)
                    }
                } else if relation.isContainerScoped {
                    let subordinates = relation.remoteUnits(visibleTo: dying)
                    model.relations[relationIndex].remoteUnits.removeAll { subordinates.contains($0) }
                }
            }
        }
        try drain()
    }

    /// Queues a dying unit's teardown, relations first, then stop and remove.
    ///
    /// Per relation (by id): -departed for each remote unit it knows, with `JUJU_DEPARTING_UNIT` = the unit itself,
    /// then -broken unless it is a peer relation. Its queued -joined/-changed hooks are dropped, as a dying unit's
    /// agent no longer joins anyone.
    func queueDeparture(of index: Int) {
        let unit = model.units[index].name
        model.queue.removeAll { item in
            item.unit == unit && item.relationID != nil
                && (item.hook.hasSuffix("-relation-joined") || item.hook.hasSuffix("-relation-changed"))
        }
        for relation in model.relations.sorted(by: { $0.id < $1.id }) where !relation.broken {
            guard participates(unit, in: relation) else { continue }
            for member in knownMembers(of: relation, seenBy: unit) {
                let hook = "\(relation.endpoint)-relation-departed"
                enqueue(unit, hook, relation: relation.id, remote: member, departing: unit)
            }
            if !relation.isPeer {
                enqueue(unit, "\(relation.endpoint)-relation-broken", relation: relation.id, remote: "")
            }
        }
        enqueue(unit, "stop")
        enqueue(unit, "remove")
    }

    /// `set-leader <unit>`: leadership moves there.
    func setLeader(to name: String) throws {
        let index = try unitIndex(name)
        guard !model.units[index].isDying else { throw SimError("unit \"\(name)\" is dying") }
        moveLeadership(to: index)
        try drain()
    }

    /// Makes `index` the only leader; nothing happens if it already leads.
    ///
    /// Queues leader-elected there and, on 3.x, leader-settings-changed on the other live units.
    func moveLeadership(to index: Int) {
        guard !model.units[index].leader else { return }
        for other in model.units.indices { model.units[other].leader = other == index }
        enqueue(model.units[index].name, "leader-elected")
        guard model.hasLeaderSettings else { return }
        for other in liveUnitIndices where other != index {
            enqueue(model.units[other].name, "leader-settings-changed")
        }
    }

    /// After the leader is removed: the lowest-numbered live unit becomes leader (none if the application is
    /// going away).
    func electAfterRemoval(of index: Int) {
        guard model.units[index].leader else { return }
        model.units[index].leader = false
        guard let next = liveUnitIndices.first else { return }
        moveLeadership(to: next)
    }
}
