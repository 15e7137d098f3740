import JujuKit

/// Everything the simulated controller and unit agents know, persisted as `model.json`.
struct SimModel: Codable, Sendable {
    /// Model name (`JUJU_MODEL_NAME`).
    var modelName = "sim"
    /// Model UUID (`JUJU_MODEL_UUID`).
    var modelUUID = "00000000-0000-4000-8000-000000000000"
    /// Agent version (`JUJU_VERSION`).
    var jujuVersion = "3.6.4"
    /// The deployed application, if any.
    var application: SimApplication?
    /// Units of the application.
    var units: [SimUnit] = []
    /// Relations, including broken ones kept for history.
    var relations: [SimRelation] = []
    /// Hooks waiting to run, in order.
    var queue: [QueuedHook] = []
    /// The next relation id.
    var nextRelationID = 0
    /// The next action task id.
    var nextTaskID = 2
    /// A counter making context ids unique.
    var contextCounter = 0
    /// All juju-log lines.
    var logs: [LogLine] = []
    /// Every hook run, in order.
    var hookHistory: [HookRecord] = []
    /// Every action run, in order.
    var actions: [ActionRecord] = []
    /// Machine settings by machine id (`set-machine`); nil in older state files.
    var machines: [String: SimMachine]?
    /// User and charm secrets; nil in older state files.
    var secrets: [SimSecret]?
    /// The counter part of the next secret id; nil in older state files.
    var secretCounter: Int?

    /// The major.minor of the Juju version as a comparable pair.
    var versionPair: (Int, Int) {
        let parts = jujuVersion.split(separator: ".").compactMap { Int($0) }
        return (parts.first ?? 3, parts.count > 1 ? parts[1] : 0)
    }

    /// Whether leader-get/leader-set and leader-settings-changed exist (gone in 4.0).
    var hasLeaderSettings: Bool { versionPair.0 < 4 }

    /// Index of the unit with this name.
    func unitIndex(_ name: String) -> Int? { units.firstIndex { $0.name == name } }

    /// Index of the relation with this id.
    func relationIndex(_ id: Int) -> Int? { relations.firstIndex { $0.id == id } }
}

/// The deployed application.
struct SimApplication: Codable, Sendable {
    /// Application name.
    var name: String
    /// Where the charm was deployed from.
    var charmSource: String
    /// Operator-set config values (not defaults).
    var configOverrides: [String: JSONValue] = [:]
    /// Application status, set by the leader.
    var status = StatusValue("unknown")
    /// Application status history.
    var statusHistory: [StatusValue] = []
    /// Leader settings (3.x).
    var leaderSettings: [String: String] = [:]
    /// The workload version from application-version-set.
    var workloadVersion = ""
    /// The next unit number.
    var nextUnitNumber = 0
    /// Charm revision counter, bumped on upgrade.
    var charmRevision = 0
    /// Whether `remove` has been run (nil in older state files).
    var dying: Bool?
}

/// One unit of the application.
struct SimUnit: Codable, Sendable {
    /// `app/N`.
    var name: String
    /// Machine id.
    var machine: String
    /// Private address.
    var privateAddress = "127.0.0.1"
    /// Public address.
    var publicAddress = "127.0.0.1"
    /// Whether it holds leadership.
    var leader = false
    /// Workload status.
    var status = StatusValue("waiting", "waiting for machine")
    /// Workload status history.
    var statusHistory: [StatusValue] = []
    /// Whether the charm ever called status-set.
    var statusEverSet = false
    /// Agent status (`idle`, `executing`, `error`).
    var agentStatus = StatusValue("allocating")
    /// The failed hook holding the unit in error, if any.
    var failedHook: QueuedHook?
    /// Whether install has succeeded.
    var installed = false
    /// Whether start has succeeded.
    var started = false
    /// Whether the unit has been removed.
    var removed = false
    /// Whether the unit is dying (remove-unit or remove queued its teardown); nil in older state files.
    var dying: Bool?
    /// Per-unit charm state (state-set).
    var state: [String: String] = [:]
    /// Opened ports.
    var ports: [OpenedPort] = []

    /// Whether the unit is dying.
    var isDying: Bool { dying ?? false }

    /// The unit number (`N` of `app/N`).
    var number: Int { Int(name.split(separator: "/").last ?? "") ?? 0 }

    /// `unit-app-N`, the agent's tag.
    var tag: String { "unit-" + name.replacingAll("/", with: "-") }

    /// The application name.
    var application: String { String(name.split(separator: "/").first ?? "") }
}

/// A relation between the application and a remote application (or its peers).
struct SimRelation: Codable, Sendable {
    /// Numeric id.
    var id: Int
    /// The local endpoint.
    var endpoint: String
    /// The interface name.
    var interface: String
    /// `provides`, `requires` or `peers`.
    var role: String
    /// The remote application (the local one for peers).
    var remoteApp: String
    /// Remote units (non-peer relations).
    var remoteUnits: [String] = []
    /// Application bags, keyed by application name.
    var appData: [String: [String: String]] = [:]
    /// Unit bags, keyed by unit name.
    var unitData: [String: [String: String]] = [:]
    /// For each local unit, the remote units it has seen join (and not depart).
    var members: [String: [String]] = [:]
    /// Local units that ran relation-created.
    var created: [String] = []
    /// Whether the relation has been removed.
    var broken = false
    /// `container` for a container-scoped (subordinate) relation; nil or `global` otherwise.
    var scope: String?
    /// Container scope only: each remote subordinate unit's local principal unit.
    var principals: [String: String]?
    /// Unit data given to every remote unit at relate time, also given to subordinates created later.
    var defaultUnitData: [String: String]?

    /// Whether this is a peer relation.
    var isPeer: Bool { role == "peers" }

    /// Whether this relation is container-scoped.
    var isContainerScoped: Bool { scope == "container" }

    /// The remote units a local unit can see: all of them, or in container scope only its own subordinate.
    func remoteUnits(visibleTo unit: String) -> [String] {
        guard isContainerScoped else { return remoteUnits }
        return remoteUnits.filter { principals?[$0] == unit }
    }

    /// Whether a local unit may read `owner`'s unit bag: in container scope, remote subordinates of other
    /// principals are out of its scope (departed ones stay readable by their own principal).
    func canSee(_ owner: String, from unit: String) -> Bool {
        guard isContainerScoped, owner.hasPrefix(remoteApp + "/") else { return true }
        return principals?[owner] == unit
    }

    /// `endpoint:id`.
    var key: String { "\(endpoint):\(id)" }
}

/// A hook waiting to run, or the failed one.
struct QueuedHook: Codable, Equatable, Sendable {
    /// The unit it runs on.
    var unit: String
    /// The hook name (`install`, `db-relation-joined`, …).
    var hook: String
    /// The relation id for relation hooks.
    var relationID: Int?
    /// The remote unit for joined/changed/departed.
    var remoteUnit: String?
    /// The departing unit for departed.
    var departingUnit: String?
    /// `JUJU_SECRET_ID` of a secret hook (`secret:<id>`).
    var secretID: String? = nil
    /// `JUJU_SECRET_LABEL` of a secret hook.
    var secretLabel: String? = nil
    /// `JUJU_SECRET_REVISION` of a secret hook (set when > 0).
    var secretRevision: Int? = nil
}

/// One hook execution.
struct HookRecord: Codable, Sendable {
    /// The unit.
    var unit: String
    /// The hook name.
    var hook: String
    /// `JUJU_RELATION_ID`, if any.
    var relationID: String?
    /// `JUJU_REMOTE_UNIT`, if any.
    var remoteUnit: String?
    /// `ok`, `failed` or `skipped`.
    var outcome: String
    /// The exit code (nil when skipped).
    var exitCode: Int32?
    /// Captured stdout.
    var stdout: String
    /// Captured stderr.
    var stderr: String
    /// The context id.
    var contextID: String
    /// Start time.
    var time: String
    /// Wall time of the hook process, in milliseconds (nil when skipped).
    var durationMilliseconds: Double? = nil
    /// Peak resident set size of the hook process, in kibibytes (nil when skipped).
    var peakResidentKilobytes: Int? = nil
    /// The hook tools the process ran, by name, in order (nil when skipped).
    var toolCalls: [String]? = nil
    /// `JUJU_SECRET_ID` of a secret hook.
    var secretID: String? = nil
}

/// One action task.
struct ActionRecord: Codable, Sendable {
    /// Task id.
    var id: String
    /// Action name.
    var name: String
    /// The unit.
    var unit: String
    /// Parameters after validation and defaults.
    var parameters: [String: JSONValue]
    /// `completed` or `failed`.
    var status: String
    /// Failure message.
    var message: String?
    /// action-set results, plus return-code, stdout, stderr.
    var results: [String: JSONValue]
    /// action-log lines, timestamped.
    var log: [String]
    /// Timing.
    var enqueued: String
    /// Timing.
    var started: String
    /// Timing.
    var completed: String
    /// Wall time of the action process in milliseconds, nil when none ran (kept in the model, not reported).
    var durationMilliseconds: Double? = nil
    /// The hook tools the action process ran, by name and in order, nil when none ran (kept in the model, not reported).
    var toolCalls: [String]? = nil
}
