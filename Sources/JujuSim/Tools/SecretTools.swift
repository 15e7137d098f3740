import Foundation
import JujuKit

/// secret-get, secret-ids, secret-info-get, secret-add, secret-set, secret-grant, secret-revoke, secret-remove.
///
/// Reads follow Juju's revision rules: the unit that manages a secret (its owner unit, or the leader for an
/// application's secret) always reads the latest revision; any other reader is a consumer, pinned to the revision it
/// first read until `--refresh` (`--peek` reads the latest once). Writes are buffered until the hook exits 0.
enum SecretTools {
    static let all: [ToolDefinition] = [
        secretGet, secretIDs, secretInfoGet, secretAdd, secretSet, secretGrant, secretRevoke, secretRemove,
    ]

    /// The tools exist from Juju 3.0 on.
    static let names: Set<String> = Set(all.map(\.name))

    static let secretGet = ToolDefinition(
        "secret-get",
        usage: "secret-get [options] <ID> [key[#base64]]",
        flags: [.value("label"), .bool("peek"), .bool("refresh")],
        formats: [.yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        var positionals = call.positionals
        var uri: SecretURI?
        if let first = positionals.first {
            do {
                uri = try SecretURI.parse(first)
            } catch {
                throw .usage("secret URI \(SecretContent.quoted(first)) not valid")
            }
            positionals.removeFirst()
        }
        let label = call.arguments.value("label") ?? ""
        guard uri != nil || !label.isEmpty else { throw .usage("require either a secret URI or label") }
        let peek = call.arguments.flag("peek")
        let refresh = call.arguments.flag("refresh")
        if peek && refresh { throw .usage("specify one of --peek or --refresh but not both") }
        guard positionals.count <= 1 else { throw ToolError.unrecognized(Array(positionals.dropFirst())) }
        let content = try read(&call, uri: uri, label: label, refresh: refresh, peek: peek)
        let values: [String: String]
        do throws(SecretInputError) {
            values = try SecretContent.decode(content)
        } catch {
            throw .runtime(error.message)
        }
        guard var key = positionals.first else { return .value(.object(values.mapValues(JSONValue.string))) }
        let encoded = key.hasSuffix("#base64")
        if encoded { key.removeLast(7) }
        guard let value = encoded ? content[key] : values[key] else {
            throw .runtime("secret key value \(SecretContent.quoted(key)) not found")
        }
        return .value(.string(value))
    }

    /// The content `secret-get` returns (base64 values), updating the consumer record as Juju's controller does.
    private static func read(
        _ call: inout ToolCall,
        uri: SecretURI?,
        label: String,
        refresh: Bool,
        peek: Bool
    ) throws(ToolError) -> [String: String] {
        let context = call.context
        let index: Int
        if let uri {
            guard uri.sourceUUID.isEmpty || uri.sourceUUID == context.secretSourceUUID,
                let found = context.secrets.firstIndex(where: { $0.id == uri.id })
            else {
                let notFound = "secret \(SecretContent.quoted(uri.string)) not found"
                throw .runtime(majorVersion(context) >= 4 ? "getting latest secret revision: " + notFound : notFound)
            }
            index = found
        } else if let owned = context.secrets.firstIndex(where: { ownedHere($0, context) && $0.label == label }) {
            index = owned
        } else if let consumed = context.secrets.firstIndex(where: { $0.consumer?.label == label }) {
            index = consumed
        } else {
            let what = majorVersion(context) >= 4 ? "secret URI for consumer label" : "consumer label"
            throw .runtime("\(what) \(SecretContent.quoted(label)) not found")
        }
        var secret = context.secrets[index]
        defer { call.context.secrets[index] = secret }
        if secret.created {
            if uri != nil && !label.isEmpty && label != secret.label {
                secret.label = label
                call.changed = true
            }
            return secret.pendingContent ?? [:]
        }
        if secret.manages {
            if uri != nil && !label.isEmpty && label != secret.label {
                secret.label = label
                secret.metadataChanged = true
                call.changed = true
            }
            if refresh || peek, let pending = secret.pendingContent { return pending }
            return secret.content(revision: secret.latestRevision) ?? [:]
        }
        guard secret.readable else { throw .runtime("permission denied") }
        var consumer = secret.consumer
        let tracked = consumer?.currentRevision
        var wanted = tracked ?? secret.latestRevision
        if refresh || peek || tracked == nil { wanted = secret.latestRevision }
        if refresh || tracked == nil {
            consumer = SimSecretConsumer(currentRevision: secret.latestRevision, label: consumer?.label ?? "")
        }
        if uri != nil && !label.isEmpty {
            consumer = SimSecretConsumer(currentRevision: consumer?.currentRevision ?? wanted, label: label)
        }
        if consumer != secret.consumer {
            secret.consumer = consumer
            secret.consumerChanged = true
            call.changed = true
        }
        guard let content = secret.content(revision: wanted) else {
            throw .runtime("secret revision \(SecretContent.quoted("\(secret.id)/\(wanted)")) not found")
        }
        return content
    }

    /// Whether the secret belongs to this unit or its application (owner labels resolve only for those).
    private static func ownedHere(_ secret: ContextSecret, _ context: ToolContext) -> Bool {
        (secret.ownerKind == "application" && secret.ownerID == context.app)
            || (secret.ownerKind == "unit" && secret.ownerID == context.unit)
    }

    private static func majorVersion(_ context: ToolContext) -> Int {
        Int(context.jujuVersion.split(separator: ".").first ?? "") ?? 3
    }

    /// The secrets `secret-ids` and `secret-info-get` know: those the unit manages, with this hook's changes.
    private static func metadata(_ context: ToolContext) -> [ContextSecret] {
        context.secrets.filter { $0.manages && !$0.removed }
    }

    static let secretIDs = ToolDefinition(
        "secret-ids",
        usage: "secret-ids [options]",
        formats: [.smart, .yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        guard call.positionals.isEmpty else { throw ToolError.unrecognized(call.positionals) }
        let ids = metadata(call.context).map(\.id).sorted()
        return .value(ids.isEmpty ? nil : .array(ids.map(JSONValue.string)))
    }

    /// The field order of `secret-info-get`'s output.
    static let infoOrder = KeyOrder(timeFields: ["expiry", "rotates"]) { path in
        switch path.count {
        case 1: return ["revision", "label", "owner", "description", "rotation", "expiry", "rotates", "access"]
        case 2 where path[1] == "access": return ["target", "scope", "role"]
        default: return nil
        }
    }

    static let secretInfoGet = ToolDefinition(
        "secret-info-get",
        usage: "secret-info-get [options] <ID>",
        flags: [.value("label")],
        formats: [.yaml, .json]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        var uri: SecretURI?
        if let first = call.positionals.first {
            do {
                uri = try SecretURI.parse(first)
            } catch {
                throw .usage("secret URI \(SecretContent.quoted(first)) not valid")
            }
        }
        let label = call.arguments.value("label") ?? ""
        guard uri != nil || !label.isEmpty else { throw .usage("require either a secret URI or label") }
        if uri != nil && !label.isEmpty { throw .usage("specify either a secret URI or label but not both") }
        guard call.positionals.count <= 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        let known = metadata(call.context)
        let wanted = uri?.id ?? label
        guard let secret = known.first(where: { uri != nil ? $0.id == wanted : $0.label == wanted }) else {
            throw .runtime("secret \(SecretContent.quoted(wanted)) not found")
        }
        var fields: [String: JSONValue] = [
            "revision": .int(secret.created ? 1 : secret.latestRevision), "label": .string(secret.label),
            "owner": .string(secret.ownerKind),
        ]
        if !secret.description.isEmpty { fields["description"] = .string(secret.description) }
        if !secret.rotatePolicy.isEmpty { fields["rotation"] = .string(secret.rotatePolicy) }
        if let expiry = secret.expireTime { fields["expiry"] = .string(expiry) }
        if let rotates = secret.nextRotateTime { fields["rotates"] = .string(rotates) }
        if !secret.grants.isEmpty {
            fields["access"] = .array(
                secret.grants.map {
                    .object(["target": .string($0.target), "scope": .string($0.scope), "role": .string($0.role)])
                }
            )
        }
        return .ordered(.object([secret.id: .object(fields)]), infoOrder)
    }

    /// What `secret-add` and `secret-set` share: flags, their checks and the content.
    private struct Upsert {
        var content: [String: String] = [:]
        var expireTime: String?
        var rotatePolicy: String?
        var description: String?
        var label: String?

        static let flags: [FlagSpec] = [
            .value("expire"), .value("rotate"), .value("description"), .value("label"), .value("file"),
            .value("owner"),
        ]

        /// Juju's `secretUpsertCommand.Init`: every error is a usage error.
        init(_ call: ToolCall, values: [String]) throws(ToolError) {
            let arguments = call.arguments
            if let spec = arguments.value("expire"), !spec.isEmpty {
                if let time = SecretTime.parse(spec) {
                    expireTime = SecretTime.format(time)
                } else if let duration = SecretTime.parseDuration(spec) {
                    guard duration > 0 else {
                        throw .usage("negative expire duration \(SecretContent.quoted(spec)) not valid")
                    }
                    expireTime = SecretTime.format(SecretTime.now() + duration)
                } else {
                    throw .usage("expire time or duration \(SecretContent.quoted(spec)) not valid")
                }
            }
            if let policy = arguments.value("rotate"), !policy.isEmpty {
                guard SecretTime.rotatePolicies.contains(policy) else {
                    throw .usage("rotate policy \(SecretContent.quoted(policy)) not valid")
                }
                rotatePolicy = policy
            }
            let owner = arguments.value("owner") ?? "application"
            guard owner == "application" || owner == "unit" else {
                throw .usage("secret owner \(SecretContent.quoted(owner)) not valid")
            }
            if let text = arguments.value("description"), !text.isEmpty { description = text }
            if let text = arguments.value("label"), !text.isEmpty { label = text }
            let limits = SecretContent.Limits.forVersion(major: majorVersion(call.context))
            do throws(SecretInputError) {
                content = try SecretContent.parse(values, limits: limits, readFile: call.readBytes)
                if let file = arguments.value("file"), !file.isEmpty {
                    content.merge(try SecretContent.parseFile(file, limits: limits, readFile: call.readBytes)) { $1 }
                }
            } catch {
                throw .usage(error.message)
            }
        }
    }

    static let secretAdd = ToolDefinition(
        "secret-add",
        usage: "secret-add [options] [key[#base64|#file]=value...]",
        flags: Upsert.flags
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        if call.positionals.isEmpty && (call.arguments.value("file") ?? "").isEmpty {
            throw .usage("missing secret value or filename")
        }
        let upsert = try Upsert(call, values: call.positionals)
        guard !upsert.content.isEmpty else { throw .runtime("empty secret value not valid") }
        let unitOwned = call.arguments.value("owner") == "unit"
        if !unitOwned && !call.context.isLeader { throw .runtime("this unit is not the leader") }
        let id = newSecretID(call.context)
        var secret = ContextSecret(
            id: id,
            ownerKind: unitOwned ? "unit" : "application",
            ownerID: unitOwned ? call.context.unit : call.context.app,
            label: upsert.label ?? "",
            description: upsert.description ?? "",
            rotatePolicy: upsert.rotatePolicy ?? "",
            nextRotateTime: nil,
            expireTime: upsert.expireTime,
            latestRevision: 0,
            readable: true,
            manages: true
        )
        if let policy = upsert.rotatePolicy, let next = SecretTime.nextRotation(policy, from: SecretTime.now()) {
            secret.nextRotateTime = SecretTime.format(next)
        }
        secret.created = true
        secret.pendingContent = upsert.content
        call.context.secrets.append(secret)
        call.changed = true
        return .value(.string(SecretURI(sourceUUID: call.context.secretSourceUUID, id: id).string))
    }

    /// A fresh xid: the time, a machine value from the model UUID, this process id and a random counter.
    private static func newSecretID(_ context: ToolContext) -> String {
        var machine: UInt32 = 2_166_136_261
        for byte in context.modelUUID.utf8 { machine = (machine ^ UInt32(byte)) &* 16_777_619 }
        return SecretID.make(
            time: UInt32(truncatingIfNeeded: Int(SecretTime.now())),
            machine: machine,
            process: UInt16(truncatingIfNeeded: ProcessInfo.processInfo.processIdentifier),
            counter: UInt32.random(in: 0...0xFF_FFFF)
        )
    }

    /// The URI argument of secret-set, secret-grant, secret-revoke and secret-remove (`missing secret URI`).
    private static func requiredURI(_ call: ToolCall) throws(ToolError) -> SecretURI {
        guard let first = call.positionals.first else { throw .usage("missing secret URI") }
        do throws(SecretInputError) {
            return try SecretURI.parse(first)
        } catch {
            throw .usage(error.message)
        }
    }

    /// The index of a secret the unit manages, or nil (the write then fails at commit, as in Juju).
    private static func managedIndex(_ call: inout ToolCall, _ uri: SecretURI) -> Int? {
        guard let index = call.context.secrets.firstIndex(where: { $0.id == uri.id && $0.manages && !$0.removed })
        else {
            call.context.unknownSecretWrites.append(uri.string)
            call.changed = true
            return nil
        }
        return index
    }

    static let secretSet = ToolDefinition(
        "secret-set",
        usage: "secret-set [options] <ID> [key[#base64]=value...]",
        flags: Upsert.flags
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let uri = try requiredURI(call)
        let upsert = try Upsert(call, values: Array(call.positionals.dropFirst()))
        guard let index = managedIndex(&call, uri) else { return .nothing }
        var secret = call.context.secrets[index]
        if !upsert.content.isEmpty {
            if secret.created {
                secret.pendingContent = upsert.content
            } else {
                let latest = secret.content(revision: secret.latestRevision)
                secret.pendingContent = latest == upsert.content ? nil : upsert.content
            }
        }
        if let label = upsert.label { secret.label = label }
        if let description = upsert.description { secret.description = description }
        if let expiry = upsert.expireTime { secret.expireTime = expiry }
        if let policy = upsert.rotatePolicy, policy != secret.rotatePolicy {
            if secret.rotatePolicy.isEmpty || secret.rotatePolicy == "never",
                let next = SecretTime.nextRotation(policy, from: SecretTime.now())
            {
                secret.nextRotateTime = SecretTime.format(next)
            }
            if policy == "never" { secret.nextRotateTime = nil }
            secret.rotatePolicy = policy
        }
        if upsert.label != nil || upsert.description != nil || upsert.expireTime != nil || upsert.rotatePolicy != nil {
            secret.metadataChanged = true
        }
        call.context.secrets[index] = secret
        call.changed = true
        return .nothing
    }

    static let secretGrant = ToolDefinition(
        "secret-grant",
        usage: "secret-grant [options] <ID>",
        flags: [.value("r", "relation"), .value("unit")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let uri = try requiredURI(call)
        guard let relationIndex = try call.selectedRelationIndex() else { throw .usage("no relation id specified") }
        let relation = call.context.relations[relationIndex]
        let unit = call.arguments.value("unit") ?? ""
        if !unit.isEmpty {
            guard RelationTools.isUnitName(unit) else { throw .usage("unit \(SecretContent.quoted(unit)) not valid") }
            guard unit.hasPrefix(relation.remoteApp + "/") else {
                throw .usage(
                    "cannot specify unit \(SecretContent.quoted(unit)) in relation to application "
                        + SecretContent.quoted(relation.remoteApp)
                )
            }
        }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        guard
            let index = call.context.secrets.firstIndex(where: {
                $0.id == uri.id && $0.manages && !$0.removed
            })
        else { throw .runtime("secret \(SecretContent.quoted(uri.id)) not found") }
        var secret = call.context.secrets[index]
        let target = unit.isEmpty ? "application-" + relation.remoteApp : "unit-" + unit.replacingAll("/", with: "-")
        for grant in secret.grants where grant.scope == relation.tag && grant.role == "view" {
            if grant.target == target || grant.target.hasPrefix("application-") { return .nothing }
            if unit.isEmpty {
                throw .runtime(
                    "any unit level grants need to be revoked before granting access to the corresponding application"
                )
            }
        }
        secret.grants.append(SimSecretGrant(target: target, scope: relation.tag, relationID: relation.id))
        secret.metadataChanged = true
        call.context.secrets[index] = secret
        call.changed = true
        return .nothing
    }

    static let secretRevoke = ToolDefinition(
        "secret-revoke",
        usage: "secret-revoke [options] <ID>",
        flags: [.value("app", "application"), .value("unit"), .value("r", "relation")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let uri = try requiredURI(call)
        var app = call.arguments.value("application") ?? ""
        let unit = call.arguments.value("unit") ?? ""
        if !app.isEmpty && !RelationTools.isApplicationName(app) {
            throw .usage("application \(SecretContent.quoted(app)) not valid")
        }
        if !unit.isEmpty && !RelationTools.isUnitName(unit) {
            throw .usage("unit \(SecretContent.quoted(unit)) not valid")
        }
        if !app.isEmpty && !unit.isEmpty { throw .usage("specify only one of application or unit") }
        if let relationIndex = try call.selectedRelationIndex() {
            if !app.isEmpty { throw .usage("do not specify both relation and app") }
            app = call.context.relations[relationIndex].remoteApp
        }
        if app.isEmpty && unit.isEmpty { throw .usage("missing relation or application or unit") }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        guard let index = managedIndex(&call, uri) else { return .nothing }
        let target = app.isEmpty ? "unit-" + unit.replacingAll("/", with: "-") : "application-" + app
        call.context.secrets[index].grants.removeAll { $0.target == target }
        call.context.secrets[index].metadataChanged = true
        call.changed = true
        return .nothing
    }

    static let secretRemove = ToolDefinition(
        "secret-remove",
        usage: "secret-remove [options] <ID>",
        flags: [.value("revision")]
    ) { (call: inout ToolCall) throws(ToolError) -> ToolPrint in
        let uri = try requiredURI(call)
        var revision = 0
        if let text = call.arguments.value("revision") {
            guard let number = Int(text) else {
                throw .usage(
                    "invalid value \"\(text)\" for flag --revision: strconv.ParseInt: parsing \"\(text)\": "
                        + "invalid syntax"
                )
            }
            revision = number
        }
        guard call.positionals.count == 1 else { throw ToolError.unrecognized(Array(call.positionals.dropFirst())) }
        guard let index = managedIndex(&call, uri) else { return .nothing }
        if revision > 0 {
            call.context.secrets[index].removedRevisions.append(revision)
        } else {
            call.context.secrets[index].removed = true
        }
        call.changed = true
        return .nothing
    }
}
