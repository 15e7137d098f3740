import Foundation
import JujuKit

/// The controller's side of secrets: what each hook sees, what its writes commit, and the hooks they queue
/// (`secret-changed` on consumers, `secret-remove`, `secret-rotate` and `secret-expired` on the owner).
extension Simulator {
    /// The model's secrets (empty in older state files).
    var secrets: [SimSecret] {
        get { model.secrets ?? [] }
        set { model.secrets = newValue }
    }

    /// Index of the secret with this id.
    func secretIndex(id: String) -> Int? { secrets.firstIndex { $0.id == id } }

    /// Whether a unit manages a secret: it owns it, or leads the application that owns it.
    func manages(_ secret: SimSecret, unit: SimUnit) -> Bool {
        switch secret.ownerKind {
        case "application": return secret.ownerID == unit.application && unit.leader
        case "unit": return secret.ownerID == unit.name
        default: return false
        }
    }

    /// Whether a unit may read a secret: it manages it, its application owns it, or it was granted access.
    func canRead(_ secret: SimSecret, unit: SimUnit) -> Bool {
        if manages(secret, unit: unit) { return true }
        if secret.ownerKind == "application" && secret.ownerID == unit.application { return true }
        return secret.grants.contains { $0.target == "application-" + unit.application || $0.target == unit.tag }
    }

    /// The unit managing a secret now: its owner unit, or the application's leader.
    func managerIndex(of secret: SimSecret) -> Int? {
        liveUnitIndices.first { manages(secret, unit: model.units[$0]) }
    }

    /// Every secret as `unit` sees it, for its hook's context.
    func contextSecrets(for unit: SimUnit) -> [ContextSecret] {
        secrets.map { secret in
            let manages = manages(secret, unit: unit)
            let readable = canRead(secret, unit: unit)
            return ContextSecret(
                id: secret.id,
                ownerKind: secret.ownerKind,
                ownerID: secret.ownerID,
                label: secret.label,
                description: secret.description,
                rotatePolicy: secret.rotatePolicy,
                nextRotateTime: secret.nextRotateTime,
                expireTime: secret.revisions.last?.expireTime,
                latestRevision: secret.latestRevision,
                revisions: readable
                    ? secret.revisions.map { ContextSecretRevision(revision: $0.revision, content: $0.content) } : [],
                grants: manages ? secret.grants : [],
                readable: readable,
                manages: manages,
                consumer: manages ? nil : secret.consumers[unit.name]
            )
        }
    }

    /// The tag of a relation (`relation-<key>`), the scope of grants made over it.
    ///
    /// Juju's key names both endpoints, the requirer's first; the simulator names the remote endpoint like the local
    /// one (it does not know the remote charm).
    func relationTag(_ relation: SimRelation, app: String) -> String {
        let local = "\(app).\(relation.endpoint)"
        let remote = "\(relation.remoteApp).\(relation.endpoint)"
        switch relation.role {
        case "peers": return "relation-" + local
        case "requires": return "relation-\(local)#\(remote)"
        default: return "relation-\(remote)#\(local)"
        }
    }

    /// Consumer records `secret-get` changed: applied whatever the hook's outcome, as the controller does.
    func applySecretConsumers(_ context: ToolContext, unit: Int) {
        let name = model.units[unit].name
        for secret in context.secrets where secret.consumerChanged {
            guard let index = secretIndex(id: secret.id) else { continue }
            secrets[index].consumers[name] = secret.consumer
            queueObsoleteRevisions(index)
        }
    }

    /// Why the hook's secret writes cannot be committed (the hook then fails although it exited 0), or nil.
    func secretCommitProblem(_ context: ToolContext) -> String? {
        for uri in context.unknownSecretWrites {
            let id = (try? SecretURI.parse(uri))?.id ?? uri
            if secretIndex(id: id) != nil { return "permission denied" }
            return "secret \(SecretContent.quoted(uri)) not found"
        }
        var labels: [String: String] = [:]
        for secret in secrets where !secret.isUserSecret && !secret.label.isEmpty {
            labels[secret.ownerKind + "/" + secret.ownerID + "/" + secret.label] = secret.id
        }
        for secret in context.secrets where secret.hasBufferedWrite {
            if !secret.created {
                guard secretIndex(id: secret.id) != nil else {
                    return "secret \(SecretContent.quoted("secret:" + secret.id)) not found"
                }
                guard secret.manages else { return "permission denied" }
            }
            guard !secret.label.isEmpty, !secret.removed else { continue }
            let key = secret.ownerKind + "/" + secret.ownerID + "/" + secret.label
            if let holder = labels[key], holder != secret.id {
                return "secret with label \(SecretContent.quoted(secret.label)) already exists"
            }
            labels[key] = secret.id
        }
        return nil
    }

    /// Commits the hook's secret writes: new secrets, revisions, metadata, grants and removals; queues the hooks
    /// they cause.
    func commitSecrets(_ context: ToolContext, unit: Int) {
        let now = Clock.now()
        for secret in context.secrets where secret.hasBufferedWrite {
            if secret.created {
                guard !secret.removed else { continue }
                secrets.append(
                    SimSecret(
                        id: secret.id,
                        ownerKind: secret.ownerKind,
                        ownerID: secret.ownerID,
                        label: secret.label,
                        description: secret.description,
                        rotatePolicy: secret.rotatePolicy,
                        nextRotateTime: secret.nextRotateTime,
                        revisions: [
                            SimSecretRevision(
                                revision: 1,
                                content: secret.pendingContent ?? [:],
                                created: now,
                                expireTime: secret.expireTime
                            )
                        ],
                        grants: secret.grants,
                        created: now,
                        updated: now
                    )
                )
                continue
            }
            guard let index = secretIndex(id: secret.id) else { continue }
            if secret.removed {
                secrets.remove(at: index)
                continue
            }
            var stored = secrets[index]
            stored.revisions.removeAll { secret.removedRevisions.contains($0.revision) }
            if secret.metadataChanged {
                stored.label = secret.label
                stored.description = secret.description
                stored.rotatePolicy = secret.rotatePolicy
                stored.nextRotateTime = secret.nextRotateTime
                stored.grants = secret.grants
            }
            let latestExpiry = stored.revisions.last?.expireTime
            var revised = false
            if let content = secret.pendingContent, content != stored.revisions.last?.content {
                stored.revisions.append(
                    SimSecretRevision(
                        revision: stored.latestRevision + 1,
                        content: content,
                        created: now,
                        expireTime: secret.expireTime != latestExpiry ? secret.expireTime : nil
                    )
                )
                revised = true
            } else if secret.expireTime != latestExpiry, !stored.revisions.isEmpty {
                stored.revisions[stored.revisions.count - 1].expireTime = secret.expireTime
                stored.revisions[stored.revisions.count - 1].expiredNotified = nil
            }
            stored.updated = now
            secrets[index] = stored
            if revised { queueSecretChanged(index) }
            queueObsoleteRevisions(index)
        }
    }

    /// Queues `secret-changed` on every unit reading the secret as a consumer behind its latest revision
    /// (`JUJU_SECRET_REVISION` = the latest; the label is the consumer's, or the owner's for its own application).
    func queueSecretChanged(_ index: Int) {
        let secret = secrets[index]
        for unitIndex in liveUnitIndices {
            let unit = model.units[unitIndex]
            guard let consumer = secret.consumers[unit.name], consumer.currentRevision < secret.latestRevision,
                !manages(secret, unit: unit), canRead(secret, unit: unit)
            else { continue }
            var label = consumer.label
            if label.isEmpty && secret.ownerKind == "application" && secret.ownerID == unit.application {
                label = secret.label
            }
            enqueueSecretHook(
                unit.name,
                "secret-changed",
                secret: secret,
                label: label,
                revision: secret.latestRevision
            )
        }
    }

    /// Revisions no consumer tracks any more (and not the latest): the owner's manager gets `secret-remove` for each,
    /// once; a user secret with auto-prune loses them instead.
    func queueObsoleteRevisions(_ index: Int) {
        let secret = secrets[index]
        let tracked = Set(secret.consumers.values.map(\.currentRevision))
        let obsolete = secret.revisions.map(\.revision).filter {
            $0 < secret.latestRevision && !tracked.contains($0) && !secret.obsoleteNotified.contains($0)
        }
        guard !obsolete.isEmpty else { return }
        if secret.isUserSecret {
            if secret.autoPrune { secrets[index].revisions.removeAll { obsolete.contains($0.revision) } }
            return
        }
        guard let manager = managerIndex(of: secret) else { return }
        for revision in obsolete {
            enqueueSecretHook(
                model.units[manager].name,
                "secret-remove",
                secret: secret,
                label: secret.label,
                revision: revision
            )
        }
        secrets[index].obsoleteNotified += obsolete
    }

    /// Queues a secret hook; a `secret-changed` already waiting for the same secret is brought up to date instead.
    func enqueueSecretHook(_ unit: String, _ hook: String, secret: SimSecret, label: String, revision: Int?) {
        if hook == "secret-changed",
            let waiting = model.queue.firstIndex(where: {
                $0.unit == unit && $0.hook == hook && $0.secretID == secret.shortURI
            })
        {
            model.queue[waiting].secretRevision = revision
            model.queue[waiting].secretLabel = label
            return
        }
        var item = QueuedHook(unit: unit, hook: hook)
        item.secretID = secret.shortURI
        item.secretLabel = label
        item.secretRevision = revision
        model.queue.append(item)
    }

    /// Queues the rotations and expiries that are due on the managing unit.
    ///
    /// `secret-expired` per expired revision, then `secret-rotate`; checked when time passes (at `update-status`).
    func queueDueSecretTriggers(now: Double = SecretTime.now()) {
        for index in secrets.indices where !secrets[index].isUserSecret {
            let secret = secrets[index]
            guard let manager = managerIndex(of: secret) else { continue }
            let unit = model.units[manager].name
            for (position, revision) in secret.revisions.enumerated() where revision.expiredNotified != true {
                guard let expiry = revision.expireTime.flatMap(SecretTime.parse), expiry <= now else { continue }
                enqueueSecretHook(
                    unit,
                    "secret-expired",
                    secret: secret,
                    label: secret.label,
                    revision: revision.revision
                )
                secrets[index].revisions[position].expiredNotified = true
            }
            if let next = secret.nextRotateTime.flatMap(SecretTime.parse), next <= now {
                enqueueSecretHook(unit, "secret-rotate", secret: secret, label: secret.label, revision: nil)
                secrets[index].nextRotateTime = SecretTime.nextRotation(secret.rotatePolicy, from: now)
                    .map(SecretTime.format)
            }
        }
    }

    /// Grants made over a relation go with it.
    func dropSecretGrants(relation id: Int) {
        for index in secrets.indices { secrets[index].grants.removeAll { $0.relationID == id } }
    }

    /// A removed unit stops consuming secrets and its own secrets go; the application's go with its last unit.
    func forgetSecrets(ofRemovedUnit unit: String) {
        secrets.removeAll { $0.ownerKind == "unit" && $0.ownerID == unit }
        if model.application?.dying == true, model.units.allSatisfy(\.removed) {
            secrets.removeAll { $0.ownerKind == "application" }
        }
        for index in secrets.indices where secrets[index].consumers[unit] != nil {
            secrets[index].consumers[unit] = nil
            queueObsoleteRevisions(index)
        }
    }

    /// `hook <secret-hook> --secret <id|name>`: the queued hook's secret variables.
    func secretHookItem(_ hook: String, unit: String, reference: String, revision: Int?) throws -> QueuedHook {
        let index = try lookupSecret(reference)
        let secret = secrets[index]
        var item = QueuedHook(unit: unit, hook: hook)
        item.secretID = secret.shortURI
        var label = secret.consumers[unit]?.label ?? ""
        if label.isEmpty && !secret.isUserSecret { label = secret.label }
        item.secretLabel = label
        switch hook {
        case "secret-changed": item.secretRevision = revision ?? secret.latestRevision
        case "secret-remove", "secret-expired": item.secretRevision = revision ?? secret.latestRevision
        default: item.secretRevision = revision
        }
        return item
    }

    /// A secret by URI, id or user-secret name.
    func lookupSecret(_ reference: String) throws -> Int {
        if let uri = try? SecretURI.parse(reference), let index = secretIndex(id: uri.id) { return index }
        if let index = secrets.firstIndex(where: { $0.isUserSecret && $0.label == reference }) { return index }
        if let uri = try? SecretURI.parse(reference) {
            throw SimError("secret \(SecretContent.quoted(uri.id)) not found")
        }
        throw SimError("secret \(SecretContent.quoted(reference)) not found")
    }

    /// The secret hook variables of a queued hook (`JUJU_SECRET_REVISION` only when > 0).
    static func secretEnvironment(_ item: QueuedHook) -> [String: String] {
        guard let id = item.secretID else { return [:] }
        var environment = ["JUJU_SECRET_ID": id, "JUJU_SECRET_LABEL": item.secretLabel ?? ""]
        if let revision = item.secretRevision, revision > 0 { environment["JUJU_SECRET_REVISION"] = String(revision) }
        return environment
    }
}
