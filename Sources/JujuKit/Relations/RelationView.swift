/// The relations a hook sees, read through the hook tools at most once per hook.
///
/// Handlers ask for what they need; every answer is kept for the rest of the hook, so two handlers reading the same
/// databag cost one `relation-get`. Writes go through ``RelationPublisher``, which keeps this view in step.
///
/// A view made for a session also remembers relation ids, remote units and some remote databags between hooks
/// (see ``RelationMemory``): a hook then asks Juju only about the relation its event is about.
public final class RelationView {
    private let tools: any HookTools
    private var ids: [String: [String]] = [:]
    private var units: [String: [String]] = [:]
    private var bags: [String: [String: String]] = [:]
    /// The unit this view reads for; `nil` for a view that remembers nothing.
    private let unitName: String?
    /// Stores the memory in the unit state of the session the view was made for (held weakly); `nil` for a view
    /// that remembers nothing.
    private let storeMemory: ((JSONValue?) -> Void)?
    private var memory: RelationMemory?
    /// Endpoints whose remote unit databags are remembered between hooks, with the keys kept.
    private let rememberedKeys: [String: Set<String>]
    /// The relation a `-broken` hook is about: gone once the hook ends, whatever `relation-ids` says.
    private let brokenRelation: String?

    /// Creates a view over `tools` that remembers nothing between hooks.
    public init(tools: any HookTools) {
        self.tools = tools
        self.unitName = nil
        self.storeMemory = nil
        self.rememberedKeys = [:]
        self.brokenRelation = nil
    }

    /// Creates a view for `session` that keeps what it reads in the unit state, remote unit databags only for the
    /// endpoints of `rememberedKeys` and only their keys (see ``RelationMemory/trimmed(_:keeping:)``).
    public init<State>(session: HookSession<State>, rememberedKeys: [String: Set<String>]) {
        self.tools = session.tools
        self.unitName = session.context.unitName
        self.storeMemory = { [weak session] stored in session?.values[RelationMemory.valuesKey] = stored }
        self.rememberedKeys = rememberedKeys
        let event = session.context.event
        self.memory = RelationMemory(values: session.values)
        if case .relation(_, .broken) = event {
            self.brokenRelation = session.context.relationID
        } else {
            self.brokenRelation = nil
        }
    }

    /// The live relations of `endpoint` (`relation-ids`), as `endpoint:N`, in Juju's order.
    public func ids(_ endpoint: String) async throws(HookToolError) -> [String] {
        if let known = ids[endpoint] { return known }
        if let remembered = memory?.ids[endpoint] {
            ids[endpoint] = remembered
            return remembered
        }
        let found = try await tools.relationIDs(endpoint: endpoint).filter { $0 != brokenRelation }
        ids[endpoint] = found
        remember { memory in
            memory.ids[endpoint] = found
            memory.prune(endpoint: endpoint, live: found)
        }
        return found
    }

    /// The remote units of `relationID` that joined and have not departed (`relation-list`), sorted by unit number.
    public func units(_ relationID: String) async throws(HookToolError) -> [String] {
        if let known = units[relationID] { return known }
        if let remembered = memory?.units[relationID] {
            units[relationID] = remembered
            return remembered
        }
        let found = try await tools.relationUnits(relationID: relationID).sorted(by: UnitName.precedes)
        units[relationID] = found
        if relationID != brokenRelation { remember { $0.units[relationID] = found } }
        return found
    }

    /// One databag of `relationID`: a unit's, or an application's when `application` is true.
    ///
    /// A remote unit's databag on a remembered endpoint holds only the keys the charm named, values longer than
    /// ``RelationMemory/maximumValueLength`` left out: another application's data, however large, never reaches
    /// the unit state (whose values Juju caps at 64 KiB).
    public func bag(_ relationID: String, _ member: String, application: Bool = false) async throws(HookToolError)
        -> [String: String]
    {
        let key = "\(relationID)\u{0}\(member)\u{0}\(application)"
        if let known = bags[key] { return known }
        let rememberable = isRemembered(relationID, member, application: application)
        if rememberable, let remembered = memory?.bags[relationID]?[member] {
            bags[key] = remembered
            return remembered
        }
        var found = try await tools.relationGet(relationID: relationID, member: member, application: application)
        if let keys = keptKeys(relationID, member, application: application) {
            found = RelationMemory.trimmed(found, keeping: keys)
        }
        bags[key] = found
        if rememberable { remember { $0.bags[relationID, default: [:]][member] = found } }
        return found
    }

    /// Whether the databag of `member` on `relationID` is kept between hooks: a remote unit's, on an endpoint the
    /// charm named, on a relation that outlives this hook.
    private func isRemembered(_ relationID: String, _ member: String, application: Bool) -> Bool {
        relationID != brokenRelation && keptKeys(relationID, member, application: application) != nil
    }

    /// The keys the charm reads in `member`'s databag on `relationID`, when it is a remote unit's on a remembered
    /// endpoint (in a `-broken` hook too, so every hook sees the same keys).
    private func keptKeys(_ relationID: String, _ member: String, application: Bool) -> Set<String>? {
        guard let unitName, !application else { return nil }
        guard member != unitName, member.contains("/") else { return nil }
        return rememberedKeys[RelationMemory.endpoint(of: relationID)]
    }

    /// Updates the memory and stores it in the session's values (committed with the unit state).
    private func remember(_ change: (inout RelationMemory) -> Void) {
        guard let storeMemory, var memory else { return }
        change(&memory)
        self.memory = memory
        storeMemory(memory.stored)
    }

    /// Every remote unit's databag on `relationID`, by unit name, units sorted by number.
    public func remoteUnitBags(_ relationID: String) async throws(HookToolError) -> [(
        unit: String, data: [String: String]
    )] {
        var result: [(unit: String, data: [String: String])] = []
        for unit in try await units(relationID) {
            result.append((unit, try await bag(relationID, unit)))
        }
        return result
    }

    /// Records a write, so later reads in this hook see it (as Juju serves pending writes to the writer).
    func noteWrite(_ relationID: String, _ member: String, application: Bool, values: [String: String?]) {
        let key = "\(relationID)\u{0}\(member)\u{0}\(application)"
        guard var bag = bags[key] else { return }
        for (name, value) in values { bag[name] = (value?.isEmpty ?? true) ? nil : value }
        bags[key] = bag
    }
}

/// Unit names (`app/N`) ordered by application, then unit number, so `app/10` follows `app/2`.
public enum UnitName {
    /// The unit number of `app/N`, or `nil` for a name without one.
    public static func number(_ unit: String) -> Int? {
        guard let slash = unit.lastIndex(of: "/") else { return nil }
        return Int(unit[unit.index(after: slash)...])
    }

    /// Whether `lhs` sorts before `rhs`: by application name, then by unit number, then by text.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        let left = (lhs.split(separator: "/").first.map(String.init) ?? lhs, number(lhs) ?? Int.max)
        let right = (rhs.split(separator: "/").first.map(String.init) ?? rhs, number(rhs) ?? Int.max)
        if left != right { return left < right }
        return lhs < rhs
    }
}
