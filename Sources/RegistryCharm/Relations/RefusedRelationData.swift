import JujuKit
import Logging

/// Values another application put in its databag that the charm refused in this hook (an address that is not an
/// IP address or DNS name, a Nagios name too long for a file name), kept in the hook state for the status.
///
/// Nothing is applied from a refused value: a proxy or peer without a usable address is left out, an unusable
/// Nagios name falls back to the charm's own. The status says which unit and key to fix.
struct RefusedRelationData: Equatable {
    /// One refused value.
    struct Entry: Equatable {
        /// The relation id (`website:3`).
        var relation: String
        /// The remote unit that set it.
        var unit: String
        /// The key.
        var key: String
        /// Why it is refused.
        var reason: String
        /// The value, cut to its first 64 characters.
        var value: String
    }

    /// The refused values, in the order the hook met them.
    var entries: [Entry] = []

    /// The status message: `Invalid relation data: <unit> on <relation> sets <key> to "<value>" (<reason>); fix it
    /// on that application.`, the first entry only, the value JSON-quoted; `nil` when nothing was refused.
    var message: String? {
        guard let first = entries.first else { return nil }
        let more = entries.count > 1 ? " (and \(entries.count - 1) more)" : ""
        return "Invalid relation data: \(first.unit) on \(first.relation) sets \(first.key) to"
            + " \(JSONText.encode(first.value)) (\(first.reason)); fix it on that application.\(more)"
    }

    /// Records that `unit` on `relation` set `key` to `value`, refused for `reason`, in `session`'s hook state.
    static func note(
        _ session: RegistrySession,
        relation: String,
        unit: String,
        key: String,
        value: String,
        reason: String
    ) {
        var found = session.state.refusedRelationData
        let entry = Entry(relation: relation, unit: unit, key: key, reason: reason, value: String(value.prefix(64)))
        guard !found.entries.contains(entry) else { return }
        found.entries.append(entry)
        session.state.refusedRelationData = found
        session.logger.warning(
            "refused \(key) from \(unit) on \(relation): \(JSONText.encode(entry.value)) is \(reason)"
        )
    }
}

extension RefusedRelationData {
    /// Where the messages are kept in the unit state, by endpoint, so a hook that does not read the relations (an
    /// idle `update-status`) still knows what was refused.
    static let valuesKey = "relations.refused"

    /// Keeps in the unit state what this hook refused on `endpoint` (nothing clears it).
    ///
    /// Called once a reader has seen every remote unit of the endpoint; the state changes only when the message does.
    static func settle(_ session: RegistrySession, endpoint: String) {
        let found = session.refusedRelationData.entries.filter { $0.relation.hasPrefix(endpoint + ":") }
        var kept = session.values[valuesKey]?.objectValue ?? [:]
        kept[endpoint] = RefusedRelationData(entries: found).message.map(JSONValue.string)
        session.values[valuesKey] = kept.isEmpty ? nil : .object(kept)
    }

    /// The message kept for the first endpoint (by name) with refused data, if any: what the status shows.
    static func keptMessage(_ values: [String: JSONValue]) -> String? {
        let kept = values[valuesKey]?.objectValue ?? [:]
        return kept.keys.sorted().lazy.compactMap { kept[$0]?.stringValue }.first
    }
}

extension RegistrySession {
    /// What relation data this hook refused (see ``RefusedRelationData``); empty when nothing.
    var refusedRelationData: RefusedRelationData { state.refusedRelationData }

    /// The status message for refused relation data, as the last hook that read each relation left it (see
    /// ``RefusedRelationData/settle(_:endpoint:)``); `nil` when nothing is refused.
    var refusedRelationDataMessage: String? { RefusedRelationData.keptMessage(values) }
}
