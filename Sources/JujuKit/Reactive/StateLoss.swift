/// Why a hook started without the unit state an earlier hook committed.
///
/// The dispatcher never resets a lost state silently: it logs the loss and hands it to the charm in
/// ``HookSession/stateLoss``, so that the charm rebuilds what the machine still shows (ports, files, containers) and
/// says what it could not.
public enum StateLoss: Equatable, Sendable, CustomStringConvertible {
    /// `state-get` returned no state in a hook after `install` (deleted, or never committed).
    case missing
    /// The state is there but cannot be decoded (the reason names what is wrong).
    case unreadable(String)
    /// `upgrade-charm` found no state: the unit ran another charm before (a refresh from the reactive charm), whose
    /// container, files and ports this charm takes over.
    case refreshedFromAnotherCharm

    /// The sentence logged when a hook starts with this loss.
    public var description: String {
        switch self {
        case .missing: "the unit state is missing"
        case .unreadable(let reason): "the unit state is unreadable (\(reason))"
        case .refreshedFromAnotherCharm:
            "no unit state of this charm yet (refreshed from another charm, or the state was lost)"
        }
    }

    /// Reads `state-get` output: the state, and what was lost when it is missing or unreadable in `event`.
    ///
    /// A missing state is expected only before the first hook commits one: in `install` (and the storage hooks that
    /// Juju runs before it on machines).
    public static func read(_ stateGet: [String: String], event: HookEvent) -> (state: UnitState, loss: StateLoss?) {
        guard let text = stateGet[UnitState.stateKey] else {
            let firstHooks: Set<String> = ["install", "storage-attached"]
            let expected = firstHooks.contains(event.name) || event.name.hasSuffix("-storage-attached")
            if expected { return (UnitState(), nil) }
            return (UnitState(), event.name == "upgrade-charm" ? .refreshedFromAnotherCharm : .missing)
        }
        do {
            return (try UnitState.decode(text), nil)
        } catch {
            return (UnitState(), .unreadable("\(text.utf8.count) bytes that are not the charm's JSON: \(error)"))
        }
    }
}
