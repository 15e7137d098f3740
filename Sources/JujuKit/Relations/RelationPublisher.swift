/// Writes databags only when what the charm wants there changed since it last wrote them.
///
/// A digest of the last payload written to each relation is kept in the unit state, so a hook with nothing new
/// to say makes no `relation-set` call; a relation created later (a new id) gets the data at once.
public struct RelationPublisher<State: AnyObject> {
    /// The hook's session.
    public let session: HookSession<State>

    /// Creates a publisher for `session`.
    public init(session: HookSession<State>) {
        self.session = session
    }

    /// Writes `values` to this unit's databag (or the application's) on `relationID` unless they are what was
    /// written last; a `nil` value deletes the key.
    ///
    /// - Parameter topic: names the payload, so two payloads on one relation are tracked apart.
    /// - Returns: whether anything was written.
    @discardableResult
    public func publish(
        _ values: [String: String?],
        on relationID: String,
        application: Bool = false,
        topic: String
    ) async throws(HookToolError) -> Bool {
        let record = Self.recordKey(topic: topic, relationID: relationID, application: application)
        guard session.dataChanged(named: record, values.mapValues { $0 ?? "\u{0}absent" }) else { return false }
        try await session.tools.relationSet(relationID: relationID, application: application, values: values)
        let member = application ? session.context.applicationName : session.context.unitName
        session.relations.noteWrite(relationID, member, application: application, values: values)
        return true
    }

    /// Forgets what was written for `topic` on relations that no longer exist, so the unit state does not grow.
    public func forgetRelations(except live: [String], topic: String) {
        let prefix = "data-changed.published.\(topic)."
        let keep = Set(
            live.flatMap { id in [false, true].map { Self.recordKey(topic: topic, relationID: id, application: $0) } }
        )
        for key in session.values.keys where key.hasPrefix(prefix) {
            let name = String(key.dropFirst("data-changed.".count))
            if !keep.contains(name) { session.values[key] = nil }
        }
    }

    static func recordKey(topic: String, relationID: String, application: Bool) -> String {
        "published.\(topic).\(relationID)\(application ? ".app" : "")"
    }
}
