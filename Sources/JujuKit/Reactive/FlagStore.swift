/// The flags of one hook: those persisted from earlier hooks plus the transient ones of this hook.
///
/// Some flags are answered lazily by a provider (e.g. `leadership.is_leader` asks `is-leader`), so a hook that
/// never tests them never pays for the tool call.
public final class FlagStore {
    /// Answers whether a lazily evaluated flag is set.
    public typealias Provider = (Flag) async throws -> Bool

    private var flags: Set<Flag>
    private var providers: [(prefix: String, provider: Provider)] = []
    private var evaluated: Set<Flag> = []

    /// How many times the set of flags changed; the engine uses it to notice progress.
    public private(set) var generation = 0

    /// Creates a store holding `flags`.
    public init(_ flags: Set<Flag> = []) {
        self.flags = flags
    }

    /// Registers a provider for every flag whose name starts with `prefix`.
    public func provide(prefix: String, _ provider: @escaping Provider) {
        providers.append((prefix, provider))
    }

    /// Whether `flag` is set, asking its provider the first time if it has one.
    public func contains(_ flag: Flag) async throws -> Bool {
        if !evaluated.contains(flag), let entry = providers.first(where: { flag.rawValue.hasPrefix($0.prefix) }) {
            evaluated.insert(flag)
            if try await entry.provider(flag) { flags.insert(flag) } else { flags.remove(flag) }
        }
        return flags.contains(flag)
    }

    /// Whether `flag` is set, without asking any provider (a lazy flag not yet asked reads as unset).
    public func containsKnown(_ flag: Flag) -> Bool { flags.contains(flag) }

    /// Sets `flag`.
    public func set(_ flag: Flag) {
        evaluated.insert(flag)
        if flags.insert(flag).inserted { generation += 1 }
    }

    /// Clears `flag`.
    public func clear(_ flag: Flag) {
        evaluated.insert(flag)
        if flags.remove(flag) != nil { generation += 1 }
    }

    /// Sets or clears `flag`.
    public func set(_ flag: Flag, to value: Bool) {
        if value { set(flag) } else { clear(flag) }
    }

    /// The flags to persist: every set flag that is not transient.
    public var persistent: Set<Flag> { flags.filter { !$0.isTransient } }

    /// Every flag currently known to be set, transient ones included.
    public var all: Set<Flag> { flags }
}
