import JujuKit

/// The registry's main process (and dockerd's) as last found serving, kept in the unit state
/// (``StateKeys/servingProcess``) so that an idle `update-status` can tell, from `/proc` alone, that nothing changed.
enum ServingProcess {
    /// The record for `container`'s main process and the dockerd whose pid file the paths name; `nil` (nothing
    /// recorded) when the registry process cannot be read.
    static func record(_ container: ContainerInfo, _ environment: CharmEnvironment) -> JSONValue? {
        guard let start = environment.processes.startTime(of: container.pid) else { return nil }
        var record: [String: JSONValue] = [
            "pid": .int(container.pid), "start": .string(start), "name": .string(container.name),
        ]
        if let digest = container.specDigest { record["specDigest"] = .string(digest) }
        if let daemon = try? environment.host.daemonPID(), let daemonStart = environment.processes.startTime(of: daemon)
        {
            record["daemonPid"] = .int(daemon)
            record["daemonStart"] = .string(daemonStart)
        }
        return .object(record)
    }

    /// Whether the processes on record still run: the same registry process, and the same dockerd when one was
    /// recorded (a dockerd that died or restarted sends the hook down the full path, which says so).
    static func stillRuns(in session: RegistrySession, environment: CharmEnvironment) -> Bool {
        guard let record = session.values[StateKeys.servingProcess]?.objectValue,
            let pid = record["pid"]?.intValue, let start = record["start"]?.stringValue,
            environment.processes.startTime(of: pid) == start
        else { return false }
        guard let daemon = record["daemonPid"]?.intValue else { return true }
        return environment.processes.startTime(of: daemon) == record["daemonStart"]?.stringValue
            && (try? environment.host.daemonPID()) == daemon
    }

    /// Whether the container named `name`, made from the spec whose digest is `specDigest`, is the one on record and
    /// still runs the process on record: then it is unchanged, and a reconcile needs to ask docker nothing.
    ///
    /// Safe because a re-creation stops the old container before it parks it under another name: while the
    /// recorded process runs, its container was neither replaced nor parked, and docker labels do not change.
    static func runs(_ name: String, specDigest: String, in session: RegistrySession, environment: CharmEnvironment)
        -> Bool
    {
        guard let record = session.values[StateKeys.servingProcess]?.objectValue,
            record["name"]?.stringValue == name, record["specDigest"]?.stringValue == specDigest
        else { return false }
        return stillRuns(in: session, environment: environment)
    }
}
