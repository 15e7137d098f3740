import Foundation
import JujuKit

/// Operator-facing lifecycle operations, each queueing Juju's hook sequence and draining the queue.
extension Simulator {
    /// `deploy`: install → peer relation-created → leader-elected / leader-settings-changed → config-changed →
    /// start on each unit, then peer joined/changed among units.
    func deploy(charm source: String, name: String?, unitCount: Int, config: [String: JSONValue]) throws {
        try createApplication(charm: source, name: name, unitCount: unitCount, config: config)
        let peers = model.relations.filter(\.isPeer)
        for index in liveUnitIndices {
            let unit = model.units[index]
            enqueue(unit.name, "install")
            for relation in peers {
                enqueue(unit.name, "\(relation.endpoint)-relation-created", relation: relation.id, remote: "")
            }
            if unit.leader {
                enqueue(unit.name, "leader-elected")
            } else if model.hasLeaderSettings {
                enqueue(unit.name, "leader-settings-changed")
            }
            enqueue(unit.name, "config-changed")
            enqueue(unit.name, "start")
        }
        for relation in peers { queuePeerJoins(relation: relation.id) }
        try drain()
    }

    /// Queues Juju's refresh sequence on every live unit: upgrade-charm, config-changed, leader-settings-changed on
    /// non-leaders (where leader settings exist), start.
    func queueRefreshHooks() {
        for index in liveUnitIndices {
            let unit = model.units[index]
            enqueue(unit.name, "upgrade-charm")
            enqueue(unit.name, "config-changed")
            if !unit.leader && model.hasLeaderSettings { enqueue(unit.name, "leader-settings-changed") }
            enqueue(unit.name, "start")
        }
    }

    /// Queues joined/changed between every pair of live units of a peer relation.
    func queuePeerJoins(relation id: Int) {
        guard let index = model.relationIndex(id) else { return }
        let relation = model.relations[index]
        let names = liveUnitIndices.map { model.units[$0].name }
        for observer in names {
            for remote in names where remote != observer {
                guard !(relation.members[observer] ?? []).contains(remote) else { continue }
                enqueue(observer, "\(relation.endpoint)-relation-joined", relation: id, remote: remote)
                enqueue(observer, "\(relation.endpoint)-relation-changed", relation: id, remote: remote)
            }
        }
    }

    /// Converts operator config values to the options' types; unknown options are errors.
    func coerceConfig(_ values: [String: JSONValue], spec: CharmSpec) throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in values {
            guard let option = spec.options[key] else { throw SimError("unknown option \"\(key)\"") }
            guard let coerced = ConfigCoercion.coerce(value, to: option.type) else {
                throw SimError("option \"\(key)\" expected \(option.type), got \(GoJSON.encode(value))")
            }
            result[key] = coerced
        }
        return result
    }

    /// `config k=v…` / `--reset`: config-changed on every unit, only if the effective config changed.
    func configure(_ values: [String: JSONValue], reset: [String]) throws -> Bool {
        let before = try effectiveConfig()
        let spec = try spec()
        let coerced = try coerceConfig(values, spec: spec)
        for key in reset {
            guard spec.options[key] != nil else { throw SimError("unknown option \"\(key)\"") }
            model.application?.configOverrides[key] = nil
        }
        for (key, value) in coerced { model.application?.configOverrides[key] = value }
        let after = try effectiveConfig()
        guard before != after else { return false }
        for index in liveUnitIndices { enqueue(model.units[index].name, "config-changed") }
        try drain()
        return true
    }

    /// `relate`: created, then joined+changed per visible remote unit (sorted), then app-changed if remote app data.
    ///
    /// A container-scoped relation (the local endpoint's `scope: container`, or `scope` = `container` for a
    /// container-scoped remote endpoint) gives each local unit exactly one remote subordinate,
    /// `<remote-app>/<its own unit number>`, which only that unit sees.
    func relate(
        endpoint: String,
        remoteApp: String,
        units requestedUnits: Int?,
        scope requestedScope: String?,
        unitData: RelationUnitData,
        appData: [String: String]
    ) throws -> SimRelation {
        let application = try requireApplication()
        let spec = try spec()
        guard let definition = spec.endpoints.first(where: { $0.name == endpoint }) else {
            throw SimError("charm has no endpoint \"\(endpoint)\"")
        }
        guard definition.role != "peers" else { throw SimError("endpoint \"\(endpoint)\" is a peer endpoint") }
        guard remoteApp != application.name, RelationTools.isApplicationName(remoteApp) else {
            throw SimError("invalid remote application name \"\(remoteApp)\"")
        }
        let scope = try relationScope(local: definition, requested: requestedScope)
        var relation = SimRelation(
            id: model.nextRelationID,
            endpoint: endpoint,
            interface: definition.interface,
            role: definition.role,
            remoteApp: remoteApp
        )
        relation.appData[application.name] = [:]
        relation.appData[remoteApp] = appData
        for index in liveUnitIndices {
            let unit = model.units[index]
            relation.unitData[unit.name] = seededBag(address: unit.privateAddress)
        }
        if case .all(let settings) = unitData { relation.defaultUnitData = settings }
        if scope == "container" {
            guard requestedUnits == nil else {
                throw SimError("--units does not apply to container-scoped relation \"\(endpoint)\"")
            }
            relation.scope = scope
            relation.principals = [:]
            for index in liveUnitIndices { addSubordinate(to: &relation, principal: model.units[index]) }
        } else {
            let count = requestedUnits ?? (unitData.highestUnitNumber.map { $0 + 1 } ?? 1)
            guard count >= 0 else { throw SimError("--units must not be negative") }
            for number in 0..<count {
                let name = "\(remoteApp)/\(number)"
                relation.remoteUnits.append(name)
                relation.unitData[name] = seededBag(address: "10.1.0.\(number + 10)")
            }
        }
        if case .perUnit(let units) = unitData {
            for name in units.keys.sorted() where !relation.remoteUnits.contains(name) {
                throw SimError("--unit-data names \"\(name)\", which is not a unit of this relation")
            }
        }
        for name in relation.remoteUnits {
            relation.unitData[name] = (relation.unitData[name] ?? [:]).merging(unitData.settings(for: name)) { $1 }
        }
        model.nextRelationID += 1
        model.relations.append(relation)
        for index in liveUnitIndices {
            let unit = model.units[index].name
            enqueue(unit, "\(endpoint)-relation-created", relation: relation.id, remote: "")
            queueJoins(relation: relation, unit: unit)
        }
        try drain()
        return relation
    }

    /// The relation's scope: container when either endpoint is container-scoped.
    private func relationScope(local: CharmSpec.Endpoint, requested: String?) throws -> String {
        switch requested {
        case nil: return local.scope
        case "container": return "container"
        case "global":
            guard local.scope == "global" else {
                throw SimError("endpoint \"\(local.name)\" is container-scoped; --scope global cannot apply")
            }
            return "global"
        case let other?: throw SimError("usage: --scope must be global or container, got \"\(other)\"")
        }
    }

    /// Adds the remote subordinate `<remote-app>/<principal's number>` of a container-scoped relation.
    func addSubordinate(to relation: inout SimRelation, principal: SimUnit) {
        let name = "\(relation.remoteApp)/\(principal.number)"
        guard !relation.remoteUnits.contains(name) else { return }
        relation.remoteUnits.append(name)
        relation.principals?[name] = principal.name
        relation.unitData[name] = seededBag(address: "10.1.0.\(principal.number + 10)")
            .merging(relation.defaultUnitData ?? [:]) { $1 }
    }

    /// Queues joined+changed for each remote unit `unit` can see (sorted), then app-changed if there is app data.
    func queueJoins(relation: SimRelation, unit: String) {
        let visible = relation.remoteUnits(visibleTo: unit).sorted { unitSortKey($0) < unitSortKey($1) }
        for remote in visible {
            enqueue(unit, "\(relation.endpoint)-relation-joined", relation: relation.id, remote: remote)
            enqueue(unit, "\(relation.endpoint)-relation-changed", relation: relation.id, remote: remote)
        }
        if !(relation.appData[relation.remoteApp] ?? [:]).isEmpty {
            enqueue(unit, "\(relation.endpoint)-relation-changed", relation: relation.id, remote: "")
        }
    }

    /// `unrelate`: departed per known unit (sorted), then broken, on every local unit.
    func unrelate(_ id: Int) throws {
        guard let index = model.relationIndex(id), !model.relations[index].broken else {
            throw SimError("relation \(id) not found")
        }
        guard !model.relations[index].isPeer else { throw SimError("relation \(id) is a peer relation") }
        model.relations[index].broken = true
        dropSecretGrants(relation: id)
        queueTeardown(relation: index)
        try drain()
    }

    /// Queues departed for each member then broken, on every local unit that created the relation.
    func queueTeardown(relation index: Int) {
        let relation = model.relations[index]
        for unitIndex in liveUnitIndices {
            let unit = model.units[unitIndex].name
            guard participates(unit, in: relation) else { continue }
            for member in knownMembers(of: relation, seenBy: unit) {
                enqueue(
                    unit,
                    "\(relation.endpoint)-relation-departed",
                    relation: relation.id,
                    remote: member,
                    departing: member
                )
            }
            enqueue(unit, "\(relation.endpoint)-relation-broken", relation: relation.id, remote: "")
        }
    }

    /// Whether a local unit has created the relation or has a hook of it queued.
    func participates(_ unit: String, in relation: SimRelation) -> Bool {
        relation.created.contains(unit) || model.queue.contains { $0.unit == unit && $0.relationID == relation.id }
    }

    /// The remote units a local unit has joined and not departed, sorted by unit number.
    func knownMembers(of relation: SimRelation, seenBy unit: String) -> [String] {
        (relation.members[unit] ?? []).sorted { unitSortKey($0) < unitSortKey($1) }
    }

    /// `set-relation-data`: an operator (or the remote side) writes a bag; observers get relation-changed.
    func setRelationData(_ id: Int, owner: String, updates: [String: String?]) throws {
        guard let index = model.relationIndex(id), !model.relations[index].broken else {
            throw SimError("relation \(id) not found")
        }
        let relation = model.relations[index]
        let application = try requireApplication().name
        let isApp = !owner.contains("/")
        func apply(_ bag: [String: String]) -> [String: String] {
            var bag = bag
            for (key, value) in updates {
                if let value, !value.isEmpty { bag[key] = value } else { bag[key] = nil }
            }
            return bag
        }
        if isApp {
            guard owner == relation.remoteApp || owner == application else {
                throw SimError("application \"\(owner)\" is not in relation \(id)")
            }
            model.relations[index].appData[owner] = apply(relation.appData[owner] ?? [:])
        } else {
            guard relation.unitData[owner] != nil else { throw SimError("unit \"\(owner)\" is not in relation \(id)") }
            model.relations[index].unitData[owner] = apply(relation.unitData[owner] ?? [:])
        }
        let isLocal = owner == application || model.unitIndex(owner) != nil
        if isLocal {
            if relation.isPeer { notifyPeers(relation: index, writer: isApp ? "" : owner, remote: isApp ? "" : owner) }
        } else {
            for unitIndex in liveUnitIndices {
                let unit = model.units[unitIndex].name
                guard relation.created.contains(unit) else { continue }
                if !isApp && !(relation.members[unit] ?? []).contains(owner) { continue }
                enqueue(unit, "\(relation.endpoint)-relation-changed", relation: id, remote: isApp ? "" : owner)
            }
        }
        try drain()
    }

    /// `hook <name>`: runs one hook now (refused while the unit is in error); a secret hook names its secret.
    func runSingleHook(
        _ hook: String,
        unit name: String?,
        relation: Int?,
        remoteUnit: String?,
        secret: String? = nil,
        revision: Int? = nil
    ) throws {
        let index = try unitIndex(name)
        let unit = model.units[index]
        if let failed = unit.failedHook {
            throw SimError("unit \(unit.name) is in error (hook failed: \"\(failed.hook)\"); run resolve first")
        }
        let secretHooks = ["secret-changed", "secret-remove", "secret-rotate", "secret-expired"]
        if secretHooks.contains(hook) {
            guard let secret else { throw SimError("usage: hook \(hook) needs --secret <id|name>") }
            model.queue.insert(try secretHookItem(hook, unit: unit.name, reference: secret, revision: revision), at: 0)
            try drain()
            return
        }
        var relationID = relation
        var remote = remoteUnit
        if let suffix = [
            "-relation-created", "-relation-joined", "-relation-changed", "-relation-departed",
            "-relation-broken",
        ].first(where: { hook.hasSuffix($0) }) {
            let endpoint = String(hook.dropLast(suffix.count))
            if relationID == nil {
                relationID = model.relations.first { $0.endpoint == endpoint && !$0.broken }?.id
            }
            guard let id = relationID, let relationIndex = model.relationIndex(id),
                model.relations[relationIndex].endpoint == endpoint
            else { throw SimError("no relation found for hook \"\(hook)\"; pass --relation ID") }
            if remote == nil
                && (suffix == "-relation-joined" || suffix == "-relation-changed" || suffix == "-relation-departed")
            {
                remote =
                    (model.relations[relationIndex].members[unit.name] ?? []).first
                    ?? model.relations[relationIndex].remoteUnits(visibleTo: unit.name).first ?? ""
            }
            if remote == nil { remote = "" }
        } else if relationID != nil {
            throw SimError("hook \"\(hook)\" is not a relation hook")
        }
        let departing = hook.hasSuffix("-relation-departed") ? remote : nil
        model.queue.insert(
            QueuedHook(
                unit: unit.name,
                hook: hook,
                relationID: relationID,
                remoteUnit: remote,
                departingUnit: departing
            ),
            at: 0
        )
        try drain()
    }

    /// `update-status` on every unit, after the secret rotations and expiries that fell due.
    func updateStatus() throws {
        queueDueSecretTriggers()
        for index in liveUnitIndices { enqueue(model.units[index].name, "update-status") }
        try drain()
    }

    /// `upgrade`: refresh the charm copy, then upgrade-charm → config-changed → [leader-settings-changed] → start.
    func upgrade(from source: String?) throws {
        let application = try requireApplication()
        var path = source ?? application.charmSource
        if !path.hasPrefix("/") { path = FileManager.default.currentDirectoryPath + "/" + path }
        _ = try CharmSpec(directory: path)
        for index in liveUnitIndices {
            try CharmCopier.copy(from: path, to: paths.charm(model.units[index].tag), excluding: [paths.root])
        }
        model.application?.charmSource = (path as NSString).standardizingPath
        model.application?.charmRevision += 1
        invalidateSpec()
        let spec = try spec()
        let kept = (model.application?.configOverrides ?? [:]).filter { spec.options[$0.key] != nil }
        model.application?.configOverrides = kept
        queueRefreshHooks()
        try drain()
    }

    /// `remove`: on every unit, per relation -departed for each remote unit it knows (`JUJU_DEPARTING_UNIT` = the
    /// unit itself), then -broken except for peer relations; then stop, then remove.
    func remove() throws {
        _ = try requireApplication()
        let units = liveUnitIndices
        model.application?.dying = true
        for index in units { model.units[index].dying = true }
        for index in units { queueDeparture(of: index) }
        for index in model.relations.indices {
            model.relations[index].broken = true
            dropSecretGrants(relation: model.relations[index].id)
        }
        try drain()
    }

    /// `resolve`: clears the error and re-runs the failed hook, or marks it done with `noRetry`.
    func resolve(unit name: String?, noRetry: Bool) throws {
        let targets: [Int]
        if let name {
            guard let index = model.unitIndex(name) else { throw SimError("unit \"\(name)\" not found") }
            targets = [index]
        } else {
            targets = model.units.indices.filter { model.units[$0].failedHook != nil }
        }
        var resolved = 0
        for index in targets.reversed() {
            guard let failed = model.units[index].failedHook else {
                if name != nil { throw SimError("unit \"\(model.units[index].name)\" is not in an error state") }
                continue
            }
            model.units[index].failedHook = nil
            model.units[index].agentStatus = StatusValue("idle")
            resolved += 1
            if noRetry {
                try completeHook(failed, unit: index)
            } else {
                model.queue.insert(failed, at: 0)
            }
        }
        guard resolved > 0 else { throw SimError("no unit is in an error state") }
        try drain()
    }

    /// `set-leader true|false [--unit U]`: gaining leadership moves it here (see ``moveLeadership(to:)``); `false`
    /// only drops it.
    func setLeader(unit name: String?, leader: Bool) throws {
        let index = try unitIndex(name ?? model.units.first(where: { !$0.removed })?.name)
        if leader {
            guard !model.units[index].isDying else { throw SimError("unit \"\(model.units[index].name)\" is dying") }
            moveLeadership(to: index)
        } else {
            model.units[index].leader = false
        }
        try drain()
    }
}
