import FoundationEssentials

/// What a unit remembers between hooks, stored with `state-set` (so Juju commits it only when the hook succeeds).
public struct UnitState: Encodable, Equatable, Sendable {
    /// The persistent flags.
    public var flags: Set<Flag>
    /// Digests of each configuration option's value at the last successful hook.
    public var configDigests: [String: String]
    /// Named values the charm keeps (digests of published data, container spec, …); never secrets in clear.
    public var values: [String: JSONValue]
    /// The last status this unit set.
    public var status: WorkloadStatus?

    /// The `state-set` key holding the encoded state.
    public static let stateKey = "charm-state"

    /// Creates a state.
    public init(
        flags: Set<Flag> = [],
        configDigests: [String: String] = [:],
        values: [String: JSONValue] = [:],
        status: WorkloadStatus? = nil
    ) {
        self.flags = flags
        self.configDigests = configDigests
        self.values = values
        self.status = status
    }

    /// Decodes the state from `state-get` output; an empty or unreadable state is a fresh one.
    public init(stateGet: [String: String]) {
        self = stateGet[UnitState.stateKey].flatMap { try? UnitState.decode($0) } ?? UnitState()
    }

    /// Decodes the state `state-set` stored; throws when the text is not JSON or not a state.
    public static func decode(_ text: String) throws -> UnitState {
        guard let state = UnitState(json: try JSONValue(parsing: text)) else { throw UnitStateDecodingError() }
        return state
    }

    /// Reads the state from its JSON (as ``encoded()`` writes it) without `Codable`, which every hook would pay
    /// for at its start; missing members are empty, a member of the wrong type makes the whole state unreadable.
    init?(json: JSONValue) {
        guard let members = json.objectValue else { return nil }
        self.init()
        if let flags = members["flags"], !flags.isNull {
            guard let names = flags.arrayValue else { return nil }
            for name in names {
                guard let text = name.stringValue else { return nil }
                self.flags.insert(Flag(rawValue: text))
            }
        }
        if let digests = members["config"], !digests.isNull {
            guard let object = digests.objectValue else { return nil }
            for (option, digest) in object {
                guard let text = digest.stringValue else { return nil }
                configDigests[option] = text
            }
        }
        if let values = members["values"], !values.isNull {
            guard let object = values.objectValue else { return nil }
            self.values = object
        }
        if let status = members["status"], !status.isNull {
            guard let object = status.objectValue, let state = object["state"]?.stringValue,
                let known = WorkloadStatus.State(rawValue: state), let message = object["message"]?.stringValue
            else { return nil }
            self.status = WorkloadStatus(known, message)
        }
    }

    /// The state as a deterministic JSON string (sorted keys), for `state-set`.
    public func encoded() -> String {
        let data = (try? JSONText.data(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private enum CodingKeys: String, CodingKey {
        case flags, configDigests = "config", values, status
    }

    /// Encodes the state with flags sorted.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(flags.map(\.rawValue).sorted(), forKey: .flags)
        try container.encode(configDigests, forKey: .configDigests)
        try container.encode(values, forKey: .values)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

/// The unit state's text is JSON but not the charm's state (a member of the wrong type).
public struct UnitStateDecodingError: Error, CustomStringConvertible {
    /// `json that is not a unit state (a member has the wrong type)`.
    public var description: String { "json that is not a unit state (a member has the wrong type)" }
}
