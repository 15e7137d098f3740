import JujuKit

/// Remote unit data given to `relate --unit-data`: one map for every remote unit, or one map per remote unit.
enum RelationUnitData: Equatable {
    /// The same settings for every remote unit (also given to subordinates created later).
    case all([String: String])
    /// Settings per remote unit name (`<remote-app>/<N>`).
    case perUnit([String: [String: String]])

    /// Tells the two file forms apart.
    ///
    /// The file is per-unit when every top-level key is a unit name of `remoteApp` and every value a map; it is a plain
    /// map when no key is a unit name holding a map. Anything in between, or a unit of another application, is an
    /// error, so no file is read two ways.
    static func parse(_ document: [String: JSONValue], remoteApp: String, source: String) throws -> RelationUnitData {
        let unitKeys = document.filter { RelationTools.isUnitName($0.key) && $0.value.objectValue != nil }
        if unitKeys.isEmpty { return .all(settings(document)) }
        if let foreign = unitKeys.keys.sorted().first(where: { !$0.hasPrefix(remoteApp + "/") }) {
            throw SimError("\(source): unit \"\(foreign)\" is not a unit of \"\(remoteApp)\"")
        }
        guard unitKeys.count == document.count else {
            let plain = document.keys.filter { unitKeys[$0] == nil }.sorted()
            throw SimError(
                "\(source): mixes per-unit maps with plain keys \(ToolError.quotedList(plain)); use one form"
            )
        }
        return .perUnit(unitKeys.mapValues { settings($0.objectValue ?? [:]) })
    }

    /// The highest unit number named (per-unit form only).
    var highestUnitNumber: Int? {
        guard case .perUnit(let units) = self else { return nil }
        return units.keys.compactMap { Int($0.split(separator: "/").last ?? "") }.max()
    }

    /// The settings for one remote unit.
    func settings(for unit: String) -> [String: String] {
        switch self {
        case .all(let settings): return settings
        case .perUnit(let units): return units[unit] ?? [:]
        }
    }

    private static func settings(_ map: [String: JSONValue]) -> [String: String] {
        SettingsMap.strings(from: map).compactMapValues { $0 }
    }
}
