import Foundation

/// The state-directory layout.
///
/// ```
/// <state>/model.json                       the model (units, relations, history, logs)
/// <state>/model.lock                       flock held by each CLI command
/// <state>/agents/unit-<app>-<n>/charm/     the unit's copy of the charm
/// <state>/agents/unit-<app>-<n>/context.json  the running hook's context (tools read/write it)
/// <state>/agents/unit-<app>-<n>/context.lock  flock for the context
/// <state>/tools/unit-<app>-<n>/<tool>      symlinks to the charm-sim binary
/// ```
struct SimPaths: Sendable {
    /// The state directory (absolute).
    var root: String

    /// `model.json`.
    var model: String { root + "/model.json" }
    /// `model.lock`.
    var lock: String { root + "/model.lock" }
    /// The agent directory of a unit tag.
    func agent(_ tag: String) -> String { root + "/agents/" + tag }
    /// The charm directory of a unit tag.
    func charm(_ tag: String) -> String { agent(tag) + "/charm" }
    /// The tools directory of a unit tag.
    func tools(_ tag: String) -> String { root + "/tools/" + tag }

    /// Resolves the state directory from the flag, `CHARM_SIM_HOME`, or `./.charm-sim`.
    static func resolve(flag: String?) -> SimPaths {
        let environment = ProcessInfo.processInfo.environment
        var root = flag ?? environment["CHARM_SIM_HOME"] ?? ".charm-sim"
        if !root.hasPrefix("/") { root = FileManager.default.currentDirectoryPath + "/" + root }
        return SimPaths(root: (root as NSString).standardizingPath)
    }
}
