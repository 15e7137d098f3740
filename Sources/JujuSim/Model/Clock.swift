import Foundation

/// Timestamps for statuses, logs and action timings.
enum Clock {
    /// The current time as RFC 3339 with UTC offset.
    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }

    /// The current time as `juju run` prints it (`2006-01-02 15:04:05 +0000 UTC`).
    static func jujuTime() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date()) + " +0000 UTC"
    }
}
