import JujuKit

/// A workload or agent status with its message, data and timestamp.
struct StatusValue: Codable, Equatable, Sendable {
    /// The status name, such as `maintenance`, `blocked`, `waiting`, `active`, `unknown`, `error` or `idle`.
    var status: String
    /// The human message.
    var message: String
    /// Extra data (hook-error details).
    var data: [String: JSONValue]
    /// RFC 3339 time the status was set.
    var since: String

    init(_ status: String, _ message: String = "", data: [String: JSONValue] = [:], since: String = Clock.now()) {
        self.status = status
        self.message = message
        self.data = data
        self.since = since
    }
}

/// A juju-log line.
struct LogLine: Codable, Equatable, Sendable {
    /// The unit that logged it.
    var unit: String
    /// TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL.
    var level: String
    /// The text, including any relation prefix.
    var message: String
    /// RFC 3339 time.
    var time: String
}

/// A status change requested during a hook (applied immediately, never rolled back).
struct StatusChange: Codable, Equatable, Sendable {
    /// Whether it targets the application status.
    var application: Bool
    /// The new status.
    var value: StatusValue
}
