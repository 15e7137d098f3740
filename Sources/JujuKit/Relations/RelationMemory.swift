/// What the relations looked like in earlier hooks, kept in the unit state so a hook asks Juju only about what its
/// event can have changed.
///
/// Juju tells a unit about every change of a relation by a hook on that relation: `-created` and `-broken` add and
/// remove a relation id, `-joined` and `-departed` change its units, `-changed` follows any change of a remote
/// databag. So between its own hooks, a relation's ids, units and remote unit databags stand still, and a hook that
/// is not about a relation (or about another one) can use what an earlier hook read:
///
/// * relation ids are kept per endpoint and asked again in that endpoint's `-created` and `-broken` hooks;
/// * remote units are kept per relation, and with them the remote unit databags of the endpoints the charm names
///   (never secrets: endpoints that carry keys or passwords are left out), asked again in any hook of that relation;
/// * `upgrade-charm` asks again about everything (the charm before may have kept nothing, or something else).
///
/// Application databags and this unit's own databags are never kept. The memory is part of the unit state, so a
/// failed hook leaves it as it was, and Juju runs that hook again.
struct RelationMemory {
    /// The key in the unit state's values.
    static let valuesKey = "relations"

    /// The longest value kept from a remote unit's databag, in bytes (a DNS name is at most 253, a Nagios name 255);
    /// a longer one is left out, as if the unit had not set it.
    public static let maximumValueLength = 512

    /// Relation ids by endpoint.
    var ids: [String: [String]] = [:]
    /// Remote units by relation id.
    var units: [String: [String]] = [:]
    /// Remote unit databags by relation id, then unit.
    var bags: [String: [String: [String: String]]] = [:]

    /// Reads the memory from the unit state's values.
    init(values: [String: JSONValue]) {
        guard let stored = values[Self.valuesKey]?.objectValue else { return }
        for (endpoint, list) in stored["ids"]?.objectValue ?? [:] {
            if let ids = Self.strings(list) { self.ids[endpoint] = ids }
        }
        for (relation, list) in stored["units"]?.objectValue ?? [:] {
            if let units = Self.strings(list) { self.units[relation] = units }
        }
        for (relation, byUnit) in stored["bags"]?.objectValue ?? [:] {
            var relationBags: [String: [String: String]] = [:]
            for (unit, bag) in byUnit.objectValue ?? [:] {
                guard let members = bag.objectValue else { continue }
                relationBags[unit] = members.compactMapValues(\.stringValue).filter {
                    $0.value.utf8.count <= Self.maximumValueLength
                }
            }
            bags[relation] = relationBags
        }
    }

    /// Forgets, in the unit state's `values`, what `event` (on `relationID`) may have changed; done when the hook
    /// starts, so that it holds even if no handler of this hook reads the relations.
    static func forget(in values: inout [String: JSONValue], event: HookEvent, relationID: String?) {
        guard values[valuesKey] != nil else { return }
        switch event {
        case .unit(.upgradeCharm):
            values[valuesKey] = nil
        case .relation(let endpoint, let kind):
            var memory = RelationMemory(values: values)
            // A hook about a relation the memory does not know (it missed a -created) asks about the endpoint too.
            let known = relationID.map { memory.ids[endpoint]?.contains($0) ?? false } ?? true
            if kind == .created || kind == .broken || !known { memory.ids[endpoint] = nil }
            if let relationID {
                memory.units[relationID] = nil
                memory.bags[relationID] = nil
            }
            values[valuesKey] = memory.stored
        default:
            return
        }
    }

    /// The memory as the unit state keeps it; `nil` when empty.
    var stored: JSONValue? {
        guard !ids.isEmpty || !units.isEmpty || !bags.isEmpty else { return nil }
        var object: [String: JSONValue] = [:]
        if !ids.isEmpty { object["ids"] = .object(ids.mapValues { .array($0.map(JSONValue.string)) }) }
        if !units.isEmpty { object["units"] = .object(units.mapValues { .array($0.map(JSONValue.string)) }) }
        if !bags.isEmpty {
            object["bags"] = .object(
                bags.mapValues { byUnit in .object(byUnit.mapValues { .object($0.mapValues(JSONValue.string)) }) }
            )
        }
        return .object(object)
    }

    /// `bag` with only `keys`, and without values longer than ``maximumValueLength`` bytes: what is kept of a
    /// remote unit's databag, whatever its size.
    static func trimmed(_ bag: [String: String], keeping keys: Set<String>) -> [String: String] {
        var kept: [String: String] = [:]
        for key in keys {
            if let value = bag[key], value.utf8.count <= maximumValueLength { kept[key] = value }
        }
        return kept
    }

    /// Forgets every relation of `endpoint` that is not in `live` (after `relation-ids` answered).
    mutating func prune(endpoint: String, live: [String]) {
        let keep = Set(live)
        for relation in Set(units.keys).union(bags.keys)
        where RelationMemory.endpoint(of: relation) == endpoint && !keep.contains(relation) {
            units[relation] = nil
            bags[relation] = nil
        }
    }

    /// The endpoint of a relation id (`website:3` → `website`).
    static func endpoint(of relationID: String) -> String {
        relationID.lastIndex(of: ":").map { String(relationID[..<$0]) } ?? relationID
    }

    private static func strings(_ value: JSONValue) -> [String]? {
        value.arrayValue?.compactMap(\.stringValue)
    }
}
