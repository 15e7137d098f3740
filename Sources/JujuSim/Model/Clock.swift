import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Timestamps for statuses, logs and action timings.
///
/// Formatted with `gmtime_r` and `strftime`, not Foundation's date formatters: those load ICU's calendar and
/// locale data, which costs a hook-tool process (`action-log`, `status-set`) and every command a millisecond or more.
enum Clock {
    /// The current time as RFC 3339 in UTC (`2006-01-02T15:04:05Z`).
    static func now() -> String { internetTime(Date()) }

    /// The current time as `juju run` prints it (`2006-01-02 15:04:05 +0000 UTC`).
    static func jujuTime() -> String { jujuTime(Date()) }

    /// `date` as RFC 3339 in UTC, whole seconds (what `ISO8601DateFormatter` with `.withInternetDateTime` prints).
    static func internetTime(_ date: Date) -> String { utc(date, format: "%Y-%m-%dT%H:%M:%SZ") }

    /// `date` as `juju run` prints it, whole seconds.
    static func jujuTime(_ date: Date) -> String { utc(date, format: "%Y-%m-%d %H:%M:%S") + " +0000 UTC" }

    /// `date`, rounded down to the second, in UTC with the `strftime` format `format`.
    private static func utc(_ date: Date, format: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
