/// A named reactive flag, such as `charm.docker-registry.configured`.
///
/// Flags are persisted per unit between hooks, except the transient ones the toolkit sets at the start of each
/// hook (`hook.*`, `action.*`, `config.changed*`, `config.set.*`, `leadership.is_leader`, `endpoint.*`).
public struct Flag: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The flag's name.
    public var rawValue: String

    /// Creates a flag from its name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates a flag from a literal name.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The name.
    public var description: String { rawValue }

    /// Orders by name.
    public static func < (lhs: Flag, rhs: Flag) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Set when this unit is the leader; asked of `is-leader` only when a handler's conditions reach it.
    public static let leader: Flag = "leadership.is_leader"
    /// Set when any configuration option changed since the last successful hook (and in the first hook).
    public static let configChanged: Flag = "config.changed"

    /// Set when the option `name` changed since the last successful hook.
    public static func configChanged(_ name: String) -> Flag { Flag(rawValue: "config.changed.\(name)") }
    /// Set when the option `name` is truthy (non-empty string, non-zero number, true).
    public static func configSet(_ name: String) -> Flag { Flag(rawValue: "config.set.\(name)") }
    /// Set for the whole of the hook `name` (for example `hook.stop` or `hook.website-relation-joined`).
    public static func hook(_ name: String) -> Flag { Flag(rawValue: "hook.\(name)") }
    /// Set for the whole of the action `name` (for example `action.push`).
    public static func action(_ name: String) -> Flag { Flag(rawValue: "action.\(name)") }
    /// Set when at least one remote unit has joined a relation of `endpoint`; asked of Juju when first needed.
    public static func endpointJoined(_ endpoint: String) -> Flag { Flag(rawValue: "endpoint.\(endpoint).joined") }

    /// The prefixes of flags that live for one hook only and are never persisted.
    public static let transientPrefixes = [
        "hook.", "action.", "config.changed", "config.set.", "leadership.", "endpoint.",
    ]

    /// Whether the flag lives for one hook only.
    public var isTransient: Bool { Flag.transientPrefixes.contains { rawValue.hasPrefix($0) } }
}
