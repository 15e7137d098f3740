public import JujuKit

/// What dockerd needs after its `daemon.json` changed.
public enum DaemonAction: Int, Sendable, Comparable {
    /// Nothing changed.
    case none
    /// Every change is applied by `SIGHUP`.
    case reload
    /// A change needs the process restarted.
    case restart

    /// Orders by disruption.
    public static func < (lhs: DaemonAction, rhs: DaemonAction) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which `daemon.json` changes dockerd applies on `SIGHUP`.
///
/// Source: Docker's dockerd reference, "Configuration reload behavior" (docker/cli
/// `docs/reference/commandline/dockerd.md`), cross-checked with moby `daemon/reload.go`. Keys not listed there
/// (`log-driver`, `data-root`, `storage-driver`, `builder`, …) need a restart.
public enum DaemonReloadPolicy {
    /// Keys dockerd re-reads on `SIGHUP`.
    public static let reloadableKeys: Set<String> = [
        "debug", "labels", "live-restore",
        "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts",
        "default-runtime", "runtimes", "authorization-plugins",
        "allow-nondistributable-artifacts", "insecure-registries", "registry-mirrors",
        "shutdown-timeout", "features",
    ]

    /// Reloadable keys whose removal a reload does apply.
    ///
    /// dockerd resets these to their defaults (or replaces them) when absent. For the other reloadable keys an absent key means "keep the running value" (moby
    /// `reload.go` checks `IsValueSet`), so removing one needs a restart. The charm therefore always writes
    /// `insecure-registries`, as `[]` when empty, so that untrusting the last registry stays a reload.
    public static let resetWhenAbsentKeys: Set<String> = [
        "max-concurrent-downloads", "max-concurrent-uploads", "max-download-attempts", "features",
    ]

    /// The keys whose values differ between `old` and `new`, sorted.
    public static func changedKeys(from old: [String: JSONValue], to new: [String: JSONValue]) -> [String] {
        Set(old.keys).union(new.keys).filter { old[$0] != new[$0] }.sorted()
    }

    /// What dockerd needs to go from `old` (the file as it was; `nil` when it could not be parsed) to `new`.
    public static func action(from old: [String: JSONValue]?, to new: [String: JSONValue]) -> DaemonAction {
        guard let old else { return .restart }
        var action = DaemonAction.none
        for key in changedKeys(from: old, to: new) {
            let removed = new[key] == nil
            if !reloadableKeys.contains(key) || (removed && !resetWhenAbsentKeys.contains(key)) {
                return .restart
            }
            action = .reload
        }
        return action
    }
}
