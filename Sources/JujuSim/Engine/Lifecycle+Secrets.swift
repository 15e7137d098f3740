import Foundation
import JujuKit

/// User secrets, as `juju add-secret`, `update-secret`, `grant-secret`, `revoke-secret`, `remove-secret`,
/// `secrets` and `show-secret` manage them (Juju 3.3 and later).
extension Simulator {
    /// The options of `add-secret` and `update-secret`.
    struct UserSecretChange {
        /// `key[#base64|#file]=value` arguments.
        var values: [String] = []
        /// `--file`: a YAML or JSON map of values.
        var file: String?
        /// `--info`: the description.
        var info: String?
        /// `--name`: a new name (update-secret).
        var name: String?
        /// `--auto-prune` (update-secret).
        var autoPrune: Bool?
    }

    /// Fails before Juju 3.3, which has no user secrets.
    func requireUserSecrets() throws {
        let version = model.versionPair
        guard version >= (3, 3) else {
            throw SimError("user secrets need Juju 3.3 or later (this model runs \(model.jujuVersion))")
        }
    }

    /// A new secret id, unique in the model.
    func newSecretID() -> String {
        var machine: UInt32 = 2_166_136_261
        for byte in model.modelUUID.utf8 { machine = (machine ^ UInt32(byte)) &* 16_777_619 }
        var counter = model.secretCounter ?? Int.random(in: 0...0xFF_FFFF)
        var id: String
        repeat {
            id = SecretID.make(
                time: UInt32(truncatingIfNeeded: Int(SecretTime.now())),
                machine: machine,
                process: UInt16(truncatingIfNeeded: ProcessInfo.processInfo.processIdentifier),
                counter: UInt32(counter & 0xFF_FFFF)
            )
            counter += 1
        } while secretIndex(id: id) != nil
        model.secretCounter = counter & 0xFF_FFFF
        return id
    }

    /// Content from `key=value` arguments and `--file`, read from this process's directory.
    private func userContent(_ change: UserSecretChange) throws -> [String: String] {
        let limits = SecretContent.Limits.forVersion(major: model.versionPair.0)
        let read: (String) -> [UInt8]? = { path in FileManager.default.contents(atPath: path).map { Array($0) } }
        do throws(SecretInputError) {
            var content = try SecretContent.parse(change.values, limits: limits, readFile: read)
            if let file = change.file {
                content.merge(try SecretContent.parseFile(file, limits: limits, readFile: read)) { $1 }
            }
            return content
        } catch {
            throw SimError("usage: " + error.message)
        }
    }

    /// `add-secret <name> key=value…`: a user secret at revision 1; returns it.
    func addUserSecret(name: String, _ change: UserSecretChange) throws -> SimSecret {
        try requireUserSecrets()
        guard !change.values.isEmpty || change.file != nil else {
            throw SimError("usage: missing secret value or filename")
        }
        let content = try userContent(change)
        guard !content.isEmpty else { throw SimError("empty secret value not valid") }
        guard !secrets.contains(where: { $0.isUserSecret && $0.label == name }) else {
            throw SimError("secret with name \(SecretContent.quoted(name)) already exists")
        }
        let now = Clock.now()
        let secret = SimSecret(
            id: newSecretID(),
            ownerKind: "model",
            ownerID: model.modelUUID,
            label: name,
            description: change.info ?? "",
            revisions: [SimSecretRevision(revision: 1, content: content, created: now)],
            created: now,
            updated: now
        )
        secrets.append(secret)
        return secret
    }

    /// A user secret by name or URI; a charm's secret is refused.
    func userSecretIndex(_ reference: String) throws -> Int {
        let index = try lookupSecret(reference)
        guard secrets[index].isUserSecret else { throw SimError("permission denied") }
        return index
    }

    /// `update-secret <name|uri> key=value…`: a new revision when the content changed (consumers behind it get
    /// `secret-changed`), and new metadata.
    func updateUserSecret(_ reference: String, _ change: UserSecretChange) throws {
        try requireUserSecrets()
        let index = try userSecretIndex(reference)
        let content = change.values.isEmpty && change.file == nil ? nil : try userContent(change)
        guard content != nil || change.info != nil || change.name != nil || change.autoPrune != nil else {
            throw SimError("at least one attribute to update must be specified")
        }
        if let name = change.name, name != secrets[index].label {
            guard !secrets.contains(where: { $0.isUserSecret && $0.label == name }) else {
                throw SimError("secret with name \(SecretContent.quoted(name)) already exists")
            }
            secrets[index].label = name
        }
        if let info = change.info { secrets[index].description = info }
        if let autoPrune = change.autoPrune { secrets[index].autoPrune = autoPrune }
        let now = Clock.now()
        secrets[index].updated = now
        if let content, !content.isEmpty, content != secrets[index].revisions.last?.content {
            let revision = secrets[index].latestRevision + 1
            secrets[index].revisions.append(SimSecretRevision(revision: revision, content: content, created: now))
            queueSecretChanged(index)
        }
        queueObsoleteRevisions(index)
        try drain()
    }

    /// `grant-secret` / `revoke-secret <name|uri> <app>[,<app>…]`: grants (or revokes) what it can; returns the
    /// applications it could not, as Juju's per-application errors.
    @discardableResult
    func grantUserSecret(_ reference: String, applications: [String], grant: Bool) throws -> [String] {
        try requireUserSecrets()
        let index = try userSecretIndex(reference)
        var known: Set<String> = []
        if let application = model.application?.name { known.insert(application) }
        for relation in model.relations where !relation.broken && !relation.isPeer { known.insert(relation.remoteApp) }
        var problems: [String] = []
        for application in applications {
            guard known.contains(application) else {
                problems.append("application \(SecretContent.quoted(application)) not found")
                continue
            }
            let target = "application-" + application
            if grant {
                guard !secrets[index].grants.contains(where: { $0.target == target }) else { continue }
                secrets[index].grants.append(SimSecretGrant(target: target, scope: "model-" + model.modelUUID))
            } else {
                secrets[index].grants.removeAll { $0.target == target }
            }
        }
        secrets[index].updated = Clock.now()
        return problems
    }

    /// `remove-secret <name|uri> [--revision N]`.
    func removeUserSecret(_ reference: String, revision: Int?) throws {
        try requireUserSecrets()
        let index = try userSecretIndex(reference)
        guard let revision else {
            secrets.remove(at: index)
            return
        }
        guard secrets[index].revisions.contains(where: { $0.revision == revision }) else {
            throw SimError("secret revision \(revision) for \(SecretContent.quoted(secrets[index].id)) not found")
        }
        secrets[index].revisions.removeAll { $0.revision == revision }
        if secrets[index].revisions.isEmpty { secrets.remove(at: index) }
    }

    /// The field order of `juju secrets` and `juju show-secret` in yaml and json.
    static let secretsOrder = KeyOrder(timeFields: ["expires", "rotates", "created", "updated"]) { path in
        switch path.count {
        case 1:
            return [
                "revision", "checksum", "expires", "rotation", "rotates", "owner", "description", "name", "label",
                "created", "updated", "error", "content", "revisions", "access",
            ]
        case 2 where path[1] == "revisions": return ["revision", "backend", "created", "updated", "expires"]
        case 2 where path[1] == "access": return ["target", "scope", "role"]
        default: return nil
        }
    }

    /// Secrets keyed by id as `juju secrets` / `juju show-secret` print them in yaml and json.
    func secretsReport(
        _ selected: [SimSecret],
        reveal: Bool = false,
        revisions: Bool = false,
        grants: Bool = false,
        revision: Int? = nil
    ) -> JSONValue {
        var result: [String: JSONValue] = [:]
        for secret in selected {
            var fields: [String: JSONValue] = [
                "revision": .int(secret.latestRevision), "owner": .string(secret.ownerDisplay),
                "created": .string(secret.created), "updated": .string(secret.updated),
            ]
            if let expiry = secret.revisions.last?.expireTime { fields["expires"] = .string(expiry) }
            if !secret.rotatePolicy.isEmpty { fields["rotation"] = .string(secret.rotatePolicy) }
            if let rotates = secret.nextRotateTime { fields["rotates"] = .string(rotates) }
            if !secret.description.isEmpty { fields["description"] = .string(secret.description) }
            if !secret.label.isEmpty { fields[secret.isUserSecret ? "name" : "label"] = .string(secret.label) }
            if reveal, let content = secret.content(revision: revision ?? secret.latestRevision) {
                do throws(SecretInputError) {
                    fields["content"] = .object(try SecretContent.decode(content).mapValues(JSONValue.string))
                } catch {
                    fields["content"] = .object(["error": .string(error.message)])
                }
            }
            if revisions {
                fields["revisions"] = .array(
                    secret.revisions.map { revision in
                        var entry: [String: JSONValue] = [
                            "revision": .int(revision.revision), "backend": "internal",
                            "created": .string(revision.created), "updated": .string(revision.created),
                        ]
                        if let expiry = revision.expireTime { entry["expires"] = .string(expiry) }
                        return .object(entry)
                    }
                )
            }
            if grants && !secret.grants.isEmpty {
                fields["access"] = .array(
                    secret.grants.map {
                        .object(["target": .string($0.target), "scope": .string($0.scope), "role": .string($0.role)])
                    }
                )
            }
            result[secret.id] = .object(fields)
        }
        return .object(result)
    }

    /// `juju secrets`' table: by owner, then newest revision first.
    func secretsTable(now: Double = SecretTime.now()) -> String {
        let sorted = secrets.sorted {
            if $0.ownerDisplay != $1.ownerDisplay { return $0.ownerDisplay < $1.ownerDisplay }
            if $0.latestRevision != $1.latestRevision { return $0.latestRevision > $1.latestRevision }
            return $0.id < $1.id
        }
        let rows = sorted.map { secret in
            [
                secret.id, secret.isUserSecret && !secret.label.isEmpty ? secret.label : "-", secret.ownerDisplay,
                secret.rotatePolicy.isEmpty ? "never" : secret.rotatePolicy, String(secret.latestRevision),
                SecretTime.friendly(secret.updated, now: now),
            ]
        }
        return TabTable.render(
            header: ["ID", "Name", "Owner", "Rotation", "Revision", "Last updated"],
            rows: rows,
            rightAligned: [4]
        )
    }
}
