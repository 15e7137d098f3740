/// The event a process was started for, parsed from `JUJU_DISPATCH_PATH` (`hooks/<hook>` or `actions/<action>`).
public enum HookEvent: Hashable, Sendable, CustomStringConvertible {
    /// A unit-level hook such as `install` or `update-status`.
    case unit(UnitHook)
    /// A relation hook, e.g. `website-relation-joined`.
    case relation(endpoint: String, kind: RelationHookKind)
    /// A storage hook, e.g. `registry-storage-attached`.
    case storage(name: String, kind: StorageHookKind)
    /// A secret hook, e.g. `secret-changed`.
    case secret(SecretHookKind)
    /// An action, e.g. `push`.
    case action(String)

    /// Parses a dispatch path; `nil` when it names nothing Juju runs.
    public init?(dispatchPath: String) {
        let parts = dispatchPath.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let name = String(parts[1])
        switch parts[0] {
        case "actions":
            guard HookEvent.isValidActionName(name) else { return nil }
            self = .action(name)
        case "hooks":
            guard let event = HookEvent(hookName: name) else { return nil }
            self = event
        default:
            return nil
        }
    }

    /// Parses a hook name such as `config-changed` or `peer-relation-departed`.
    public init?(hookName name: String) {
        if let hook = UnitHook(rawValue: name) {
            self = .unit(hook)
            return
        }
        if let secret = SecretHookKind(rawValue: name) {
            self = .secret(secret)
            return
        }
        for kind in RelationHookKind.allCases {
            let suffix = "-relation-" + kind.rawValue
            if name.hasSuffix(suffix), name.count > suffix.count {
                self = .relation(endpoint: String(name.dropLast(suffix.count)), kind: kind)
                return
            }
        }
        for kind in StorageHookKind.allCases {
            let suffix = "-storage-" + kind.rawValue
            if name.hasSuffix(suffix), name.count > suffix.count {
                self = .storage(name: String(name.dropLast(suffix.count)), kind: kind)
                return
            }
        }
        return nil
    }

    /// The hook name Juju uses (`JUJU_HOOK_NAME`), or the action name for actions.
    public var name: String {
        switch self {
        case .unit(let hook): return hook.rawValue
        case .relation(let endpoint, let kind): return "\(endpoint)-relation-\(kind.rawValue)"
        case .storage(let name, let kind): return "\(name)-storage-\(kind.rawValue)"
        case .secret(let kind): return kind.rawValue
        case .action(let name): return name
        }
    }

    /// The dispatch path Juju would set for this event.
    public var dispatchPath: String {
        isAction ? "actions/\(name)" : "hooks/\(name)"
    }

    /// Whether this is an action rather than a hook.
    public var isAction: Bool {
        if case .action = self { return true }
        return false
    }

    /// The dispatch path.
    public var description: String { dispatchPath }

    /// Whether `name` is a valid action name (`^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`).
    public static func isValidActionName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last else { return false }
        func alnum(_ byte: UInt8) -> Bool { (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == 0x2D }
    }
}

/// The hooks that are not about a relation, a storage instance or a secret.
public enum UnitHook: String, CaseIterable, Sendable {
    /// The first hook a unit runs.
    case install
    /// After the first `config-changed`, and after a reboot.
    case start
    /// Before the unit is removed.
    case stop
    /// The last hook a unit runs.
    case remove
    /// Configuration (or the unit's addresses) changed.
    case configChanged = "config-changed"
    /// The charm was refreshed.
    case upgradeCharm = "upgrade-charm"
    /// The periodic status tick.
    case updateStatus = "update-status"
    /// This unit became the leader.
    case leaderElected = "leader-elected"
    /// The leader changed leader settings (Juju 2.9 and 3.x).
    case leaderSettingsChanged = "leader-settings-changed"
    /// A series upgrade is about to start (Juju ≤ 3.6).
    case preSeriesUpgrade = "pre-series-upgrade"
    /// A series upgrade finished (Juju ≤ 3.6).
    case postSeriesUpgrade = "post-series-upgrade"
    /// Metrics collection (legacy).
    case collectMetrics = "collect-metrics"
}

/// The five relation hooks, in the order a relation lives through them.
public enum RelationHookKind: String, CaseIterable, Sendable {
    /// The relation was created; no remote unit yet.
    case created
    /// A remote unit joined.
    case joined
    /// A remote unit or application changed its data.
    case changed
    /// A remote unit left.
    case departed
    /// The relation is gone.
    case broken
}

/// The storage hooks.
public enum StorageHookKind: String, CaseIterable, Sendable {
    /// A storage instance was attached.
    case attached
    /// A storage instance is about to be detached.
    case detaching
}

/// The secret hooks (Juju 3).
public enum SecretHookKind: String, CaseIterable, Sendable {
    /// A secret this unit observes has a new revision.
    case changed = "secret-changed"
    /// A secret this unit owns is due for rotation.
    case rotate = "secret-rotate"
    /// A secret revision this unit owns expired.
    case expired = "secret-expired"
    /// A secret revision this unit owns is no longer observed.
    case remove = "secret-remove"
}
