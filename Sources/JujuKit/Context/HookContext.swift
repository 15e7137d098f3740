/// Everything Juju tells a hook or action process through its environment.
///
/// Built once per process from the environment (`HookContext(environment:arguments:)`); nothing in it changes
/// during a hook.
public struct HookContext: Sendable, Equatable {
    /// The event being handled, from `JUJU_DISPATCH_PATH` or, for legacy hook links, `argv[0]`.
    public var event: HookEvent
    /// The unit (for example `docker-registry/0`).
    public var unitName: String
    /// The model's name.
    public var modelName: String
    /// The model's UUID.
    public var modelUUID: String
    /// The charm directory (`JUJU_CHARM_DIR`, else `CHARM_DIR`, else the working directory).
    public var charmDirectory: String
    /// The agent's version (for example `3.6.4`).
    public var jujuVersion: String
    /// The major number of `jujuVersion` (`3` for `3.6.4`); 0 when it cannot be read.
    public var jujuMajorVersion: Int { Int(jujuVersion.split(separator: ".").first ?? "") ?? 0 }
    /// Whether the agent still has leader settings (`leader-get`, `leader-set`): Juju 2 and 3, not 4.
    public var hasLeaderSettings: Bool { jujuMajorVersion < 4 }
    /// The relation the hook is about, for relation hooks (`JUJU_RELATION_ID` (for example `website:3`)).
    public var relationID: String?
    /// The remote unit of a relation hook, or `nil` when Juju left it empty.
    public var remoteUnit: String?
    /// The remote application of a relation hook.
    public var remoteApp: String?
    /// The unit leaving the relation, in `-relation-departed` only.
    public var departingUnit: String?
    /// The action's task id, for actions.
    public var actionUUID: String?
    /// The model's proxy settings for charms (`JUJU_CHARM_HTTP_PROXY` and friends).
    public var proxy: ProxySettings
    /// The secret a secret hook is about (`JUJU_SECRET_ID`, `secret:<id>`).
    public var secretID: String?

    /// The application's name, the unit name before its `/`.
    public var applicationName: String {
        String(unitName.split(separator: "/", maxSplits: 1).first ?? Substring(unitName))
    }

    /// The unit's number, after its `/`.
    public var unitNumber: Int {
        Int(unitName.split(separator: "/").last ?? "") ?? 0
    }

    /// Creates a context from explicit values; tests and the dispatcher use it.
    public init(
        event: HookEvent,
        unitName: String,
        modelName: String = "test",
        modelUUID: String = "00000000-0000-4000-8000-000000000000",
        charmDirectory: String = ".",
        jujuVersion: String = "3.6.4",
        relationID: String? = nil,
        remoteUnit: String? = nil,
        remoteApp: String? = nil,
        departingUnit: String? = nil,
        actionUUID: String? = nil,
        proxy: ProxySettings = ProxySettings(),
        secretID: String? = nil
    ) {
        self.event = event
        self.unitName = unitName
        self.modelName = modelName
        self.modelUUID = modelUUID
        self.charmDirectory = charmDirectory
        self.jujuVersion = jujuVersion
        self.relationID = relationID
        self.remoteUnit = remoteUnit
        self.remoteApp = remoteApp
        self.departingUnit = departingUnit
        self.actionUUID = actionUUID
        self.proxy = proxy
        self.secretID = secretID
    }

    /// Reads the context from a process environment.
    ///
    /// - Parameters:
    ///   - environment: the process environment.
    ///   - arguments: the process arguments; `argv[0]` names the hook when `JUJU_DISPATCH_PATH` is unset.
    /// - Throws: `HookContextError` when a variable every hook has is missing or the event is unknown.
    public init(environment: [String: String], arguments: [String]) throws(HookContextError) {
        func nonEmpty(_ key: String) -> String? {
            guard let value = environment[key], !value.isEmpty else { return nil }
            return value
        }
        let dispatchPath: String
        if let path = nonEmpty("JUJU_DISPATCH_PATH") {
            dispatchPath = path
        } else if let program = arguments.first {
            let parts = program.split(separator: "/")
            let name = parts.last.map(String.init) ?? program
            let parent = parts.count >= 2 ? String(parts[parts.count - 2]) : "hooks"
            dispatchPath = (parent == "actions" ? "actions/" : "hooks/") + name
        } else {
            throw .missingVariable("JUJU_DISPATCH_PATH")
        }
        guard let event = HookEvent(dispatchPath: dispatchPath) else {
            throw .unknownEvent(dispatchPath)
        }
        guard let unit = nonEmpty("JUJU_UNIT_NAME") else { throw .missingVariable("JUJU_UNIT_NAME") }
        self.init(
            event: event,
            unitName: unit,
            modelName: environment["JUJU_MODEL_NAME"] ?? "",
            modelUUID: environment["JUJU_MODEL_UUID"] ?? "",
            charmDirectory: nonEmpty("JUJU_CHARM_DIR") ?? nonEmpty("CHARM_DIR") ?? ".",
            jujuVersion: environment["JUJU_VERSION"] ?? "",
            relationID: nonEmpty("JUJU_RELATION_ID"),
            remoteUnit: nonEmpty("JUJU_REMOTE_UNIT"),
            remoteApp: nonEmpty("JUJU_REMOTE_APP"),
            departingUnit: nonEmpty("JUJU_DEPARTING_UNIT"),
            actionUUID: nonEmpty("JUJU_ACTION_UUID"),
            proxy: ProxySettings(
                http: nonEmpty("JUJU_CHARM_HTTP_PROXY"),
                https: nonEmpty("JUJU_CHARM_HTTPS_PROXY"),
                noProxy: nonEmpty("JUJU_CHARM_NO_PROXY")
            ),
            secretID: nonEmpty("JUJU_SECRET_ID")
        )
    }
}

/// The model's proxy settings as Juju exports them to charms.
public struct ProxySettings: Sendable, Equatable {
    /// `JUJU_CHARM_HTTP_PROXY`, if set.
    public var http: String?
    /// `JUJU_CHARM_HTTPS_PROXY`, if set.
    public var https: String?
    /// `JUJU_CHARM_NO_PROXY`, if set.
    public var noProxy: String?

    /// Creates proxy settings.
    public init(http: String? = nil, https: String? = nil, noProxy: String? = nil) {
        self.http = http
        self.https = https
        self.noProxy = noProxy
    }
}

/// Why the environment could not be read as a hook context.
public enum HookContextError: Error, Equatable, CustomStringConvertible {
    /// A variable Juju always sets is missing or empty.
    case missingVariable(String)
    /// The dispatch path names no hook or action this toolkit knows.
    case unknownEvent(String)

    /// A lower-case message naming the culprit.
    public var description: String {
        switch self {
        case .missingVariable(let name): return "environment variable \(name) is not set; is this running under Juju?"
        case .unknownEvent(let path): return "dispatch path '\(path)' names no known hook or action"
        }
    }
}
