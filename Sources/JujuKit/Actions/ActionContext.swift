import Logging

/// One running action: its name, parameters, progress lines and results.
///
/// Everything leaving through it (`action-log` lines, `action-set` values) passes the session's secret mask first.
/// Results are collected and sent with one `action-set` when the action ends, even when it fails part-way, so an
/// operator sees what was done.
public final class ActionContext<State: AnyObject> {
    /// The action's name, such as `push`.
    public let name: String
    /// The parameters.
    public let parameters: ActionParameters
    /// The hook session the action runs in (flags, config, values, status).
    public let session: HookSession<State>
    /// The results so far.
    public private(set) var results: [String: String] = [:]

    /// Creates the context of action `name`.
    public init(name: String, parameters: ActionParameters, session: HookSession<State>) {
        self.name = name
        self.parameters = parameters
        self.session = session
    }

    /// Sends a progress line to `juju run` (`action-log`) and to the unit log.
    public func log(_ message: String) async {
        let safe = session.secrets.mask(message)
        session.logger.info("\(name): \(safe)")
        try? await session.tools.actionLog(safe)
    }

    /// Records the result `key` (lower-case letters, digits and hyphens, dot-separated for nesting).
    ///
    /// A value longer than ``resultLimit`` bytes is cut at a line boundary and says how many lines were left out:
    /// `action-set` takes its values on the command line, where one argument may not exceed 128 KiB (Linux's
    /// `MAX_ARG_STRLEN`), so that longer values would fail the whole action.
    public func set(_ key: String, _ value: String) {
        results[key] = Self.cut(session.secrets.mask(value), limit: Self.resultLimit)
    }

    /// The longest result value sent, in UTF-8 bytes.
    public static var resultLimit: Int { 128 * 1024 - 1024 }

    /// `value` cut to at most `limit` UTF-8 bytes at a line boundary, with a last line saying what was left out.
    static func cut(_ value: String, limit: Int) -> String {
        guard value.utf8.count > limit else { return value }
        var kept: [Substring] = []
        var size = 0
        let lines = value.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines {
            guard size + line.utf8.count + 1 <= limit - 100 else { break }
            kept.append(line)
            size += line.utf8.count + 1
        }
        let left = lines.count - kept.count
        return kept.joined(separator: "\n") + "\n… \(left) more lines left out (a result is cut at \(limit) bytes)"
    }

    /// Sends the collected results with `action-set` (nothing when there are none).
    public func sendResults() async throws {
        guard !results.isEmpty else { return }
        try await session.tools.actionSet(results)
    }
}
