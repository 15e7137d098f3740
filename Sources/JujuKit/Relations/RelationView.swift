/// The relations a hook sees, read through the hook tools at most once per hook.
///
/// Handlers ask for what they need; every answer is kept for the rest of the hook, so two handlers reading the same
/// databag cost one `relation-get`. Writes go through ``RelationPublisher``, which keeps this view in step.
public final class RelationView {
    private let tools: any HookTools
    private var ids: [String: [String]] = [:]
    private var units: [String: [String]] = [:]
    private var bags: [String: [String: String]] = [:]

    /// Creates a view over `tools`.
    public init(tools: any HookTools) {
        self.tools = tools
    }

    /// The live relations of `endpoint` (`relation-ids`), as `endpoint:N`, in Juju's order.
    public func ids(_ endpoint: String) async throws(HookToolError) -> [String] {
        if let known = ids[endpoint] { return known }
        let found = try await tools.relationIDs(endpoint: endpoint)
        ids[endpoint] = found
        return found
    }

    /// The remote units of `relationID` that joined and have not departed (`relation-list`), sorted by unit number.
    public func units(_ relationID: String) async throws(HookToolError) -> [String] {
        if let known = units[relationID] { return known }
        let found = try await tools.relationUnits(relationID: relationID).sorted(by: UnitName.precedes)
        units[relationID] = found
        return found
    }

    /// One databag of `relationID`: a unit's, or an application's when `application` is true.
    public func bag(_ relationID: String, _ member: String, application: Bool = false) async throws(HookToolError)
        -> [String: String]
    {
        let key = "\(relationID)\u{0}\(member)\u{0}\(application)"
        if let known = bags[key] { return known }
        let found = try await tools.relationGet(relationID: relationID, member: member, application: application)
        bags[key] = found
        return found
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
