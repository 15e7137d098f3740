import JujuKit

/// The registry's main process (and dockerd's) as last found serving, kept in the unit state
/// (``StateKeys/servingProcess``) so that an idle `update-status` can tell, from `/proc` alone, that nothing changed.
enum ServingProcess {
    /// The record for the registry process `registryPID` and the dockerd whose pid file the paths name; `nil`
    /// (nothing recorded) when the registry process cannot be read.
    static func record(registryPID: Int, _ environment: CharmEnvironment) -> JSONValue? {
        guard let start = environment.processes.startTime(of: registryPID) else { return nil }
        var record: [String: JSONValue] = ["pid": .int(registryPID), "start": .string(start)]
        if let daemon = daemonPID(environment), let daemonStart = environment.processes.startTime(of: daemon) {
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
            && daemonPID(environment) == daemon
    }

    /// dockerd's pid from its pid file (`/var/run/docker.pid`).
    private static func daemonPID(_ environment: CharmEnvironment) -> Int? {
        guard let bytes = try? environment.files.read(environment.paths.dockerPIDFile) else { return nil }
        return Int(String(decoding: bytes, as: UTF8.self).trimmingWhitespace())
    }
}
