import JujuKit

extension Simulator {
    /// The address keys Juju pre-seeds in a unit's relation bag.
    func seededBag(address: String) -> [String: String] {
        var bag = ["ingress-address": address, "egress-subnets": address + "/32"]
        if model.versionPair.0 < 4 { bag["private-address"] = address } else { bag["ip"] = address }
        return bag
    }

    /// Builds the tools' view of the model for one run.
    func buildContext(id: String, unit: Int, invocation: Invocation) throws -> ToolContext {
        let unitValue = model.units[unit]
        let spec = try spec()
        let application = try requireApplication()
        var hookRelation: Int?
        var remoteUnit = ""
        var remoteApp = ""
        var brokenRelation: Int?
        var action: ContextAction?
        var hookName = ""
        switch invocation {
        case .hook(let item):
            hookName = item.hook
            hookRelation = item.relationID
            remoteUnit = item.remoteUnit ?? ""
            if let id = item.relationID, let index = model.relationIndex(id) {
                remoteApp = model.relations[index].remoteApp
                if item.hook.hasSuffix("-relation-broken") { brokenRelation = id }
            }
        case .action(let name, let taskID, let parameters):
            action = ContextAction(name: name, id: taskID, parameters: parameters)
        }
        var relations: [ContextRelation] = []
        for relation in model.relations
        where relation.created.contains(unitValue.name) || relation.id == hookRelation {
            var bags: [String: [String: String]] = [:]
            for (owner, bag) in relation.unitData where relation.canSee(owner, from: unitValue.name) {
                bags[owner] = bag
            }
            for (owner, bag) in relation.appData { bags[owner] = bag }
            let broken = relation.id == brokenRelation
            relations.append(
                ContextRelation(
                    id: relation.id,
                    endpoint: relation.endpoint,
                    remoteApp: relation.remoteApp,
                    isPeer: relation.isPeer,
                    broken: broken,
                    members: broken ? [] : relation.members[unitValue.name] ?? [],
                    bags: bags,
                    tag: relationTag(relation, app: application.name)
                )
            )
        }
        var unitStatuses: [String: StatusValue] = [:]
        for other in model.units where !other.removed { unitStatuses[other.name] = other.status }
        return ToolContext(
            id: id,
            unit: unitValue.name,
            app: application.name,
            hookName: hookName,
            relationID: hookRelation,
            remoteUnit: remoteUnit,
            remoteApp: remoteApp,
            isLeader: unitValue.leader,
            jujuVersion: model.jujuVersion,
            modelUUID: model.modelUUID,
            hasLeaderSettings: model.hasLeaderSettings,
            privateAddress: unitValue.privateAddress,
            publicAddress: unitValue.publicAddress,
            bindings: spec.endpoints.map(\.name) + spec.extraBindings,
            config: try effectiveConfig(),
            relations: relations,
            state: unitValue.state,
            committedPorts: unitValue.ports,
            unitStatus: unitValue.status,
            appStatus: application.status,
            unitStatuses: unitStatuses,
            leaderSettings: application.leaderSettings,
            goalState: goalState(for: unitValue.name),
            action: action,
            secrets: contextSecrets(for: unitValue),
            secretSourceUUID: model.modelUUID
        )
    }

    /// The goal-state document as `unit` sees it (container-scoped relations show only its own subordinate).
    func goalState(for unit: String) -> JSONValue {
        var units: [String: JSONValue] = [:]
        for unit in model.units where !unit.removed {
            units[unit.name] = .object([
                "status": .string(unit.started ? "active" : "waiting"), "since": .string(unit.status.since),
            ])
        }
        var relations: [String: JSONValue] = [:]
        for relation in model.relations where !relation.broken {
            var entries = relations[relation.endpoint]?.objectValue ?? [:]
            let status: JSONValue = .object(["status": "joined"])
            if relation.isPeer {
                for unit in model.units where !unit.removed { entries[unit.name] = status }
            } else {
                entries[relation.remoteApp] = status
                for remote in relation.remoteUnits(visibleTo: unit) { entries[remote] = status }
            }
            relations[relation.endpoint] = .object(entries)
        }
        return .object(["units": .object(units), "relations": .object(relations)])
    }

    /// Applies the never-rolled-back effects: statuses, logs, workload version, leader settings.
    func applyImmediate(_ context: ToolContext, unit: Int) {
        for change in context.statusChanges {
            if change.application {
                model.application?.status = change.value
                model.application?.statusHistory.append(change.value)
            } else {
                model.units[unit].status = change.value
                model.units[unit].statusHistory.append(change.value)
                model.units[unit].statusEverSet = true
            }
        }
        model.logs.append(contentsOf: context.logs)
        applySecretConsumers(context, unit: unit)
        if let version = context.workloadVersion { model.application?.workloadVersion = version }
        if context.leaderSettingsChanged {
            model.application?.leaderSettings = context.leaderSettings
            if model.hasLeaderSettings {
                for index in liveUnitIndices where index != unit && !model.units[index].leader {
                    enqueue(model.units[index].name, "leader-settings-changed")
                }
            }
        }
        if context.rebootRequested {
            model.logs.append(
                LogLine(
                    unit: model.units[unit].name,
                    level: "INFO",
                    message: "juju-reboot requested (not simulated)",
                    time: Clock.now()
                )
            )
        }
    }

    /// Commits buffered writes (relation bags, state, ports) and notifies observers.
    func commit(_ context: ToolContext, unit: Int) throws {
        let name = model.units[unit].name
        let application = try requireApplication().name
        model.units[unit].state = context.state
        for operation in context.portOperations { model.units[unit].ports.apply(operation) }
        commitSecrets(context, unit: unit)
        for relation in context.relations {
            guard let index = model.relationIndex(relation.id) else { continue }
            let ownUnit = relation.bags[name] ?? [:]
            if ownUnit != model.relations[index].unitData[name] ?? [:] {
                model.relations[index].unitData[name] = ownUnit
                notifyPeers(relation: index, writer: name, remote: name)
            }
            if context.isLeader, let ownApp = relation.bags[application],
                ownApp != model.relations[index].appData[application] ?? [:]
            {
                model.relations[index].appData[application] = ownApp
                notifyPeers(relation: index, writer: name, remote: "")
            }
        }
    }

    /// Queues `-relation-changed` on the other local units of a peer relation after a write.
    func notifyPeers(relation index: Int, writer: String, remote: String) {
        let relation = model.relations[index]
        guard relation.isPeer, !relation.broken else { return }
        for other in liveUnitIndices where model.units[other].name != writer {
            let observer = model.units[other].name
            guard relation.created.contains(observer) else { continue }
            if !remote.isEmpty && !(relation.members[observer] ?? []).contains(remote) { continue }
            enqueue(observer, "\(relation.endpoint)-relation-changed", relation: relation.id, remote: remote)
        }
    }
}
