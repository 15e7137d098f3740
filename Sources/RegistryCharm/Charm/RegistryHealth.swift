import JujuKit

/// Whether the registry container really serves, and if not, why: docker restarts a registry that exits at start
/// (a port taken by another process, an upstream or object store it cannot reach) forever, and the container then
/// looks "running" between attempts.
public struct RegistryHealth: Sendable {
    let docker: DockerCLI
    /// Waits `milliseconds` (the real clock on a unit; no wait in tests).
    let pause: @Sendable (Int) async -> Void

    /// How long a just-started registry is watched; it fails its configuration or its port within this time.
    static let settleMilliseconds = 600
    /// How often it is looked at meanwhile (a read of its state costs about 1 ms through the engine's socket).
    static let stepMilliseconds = 100

    /// What watching a started container found.
    enum Verdict: Equatable {
        /// It stayed up; docker had restarted it this often (its baseline from now on); its id.
        case serving(restartCount: Int, containerID: String?)
        /// It does not serve, for this reason.
        case failing(String)
    }

    /// Watches the container named `name` after a start, for ``settleMilliseconds``.
    func watchAfterStart(name: String, port: Int) async throws(DockerError) -> Verdict {
        let first = try await docker.inspect(name)
        var elapsed = 0
        while elapsed < Self.settleMilliseconds {
            await pause(Self.stepMilliseconds)
            elapsed += Self.stepMilliseconds
            guard let now = try await docker.inspect(name) else { return .failing("the container disappeared") }
            if !now.isRunning || now.isRestarting || now.restartCount != first?.restartCount {
                return .failing(await diagnose(now, port: port))
            }
        }
        return .serving(restartCount: first?.restartCount ?? 0, containerID: first?.id)
    }

    /// Keeps a verdict in the unit state (the crash reason the status shows, or the restart count to compare the
    /// next hooks with); returns the reason when the container does not serve.
    @discardableResult
    static func record(_ verdict: Verdict, in session: RegistrySession) -> String? {
        switch verdict {
        case .serving(let restartCount, _):
            session.values[StateKeys.crashReason] = nil
            session.values[StateKeys.restartBaseline] = restartCount == 0 ? nil : .int(restartCount)
            return nil
        case .failing(let reason):
            session.values[StateKeys.crashReason] = .string(reason)
            return reason
        }
    }

    /// Why the container is not serving: the registry's own last error line, in words an operator can act on.
    func diagnose(_ info: ContainerInfo, port: Int) async -> String {
        let logs = (try? await docker.logs(info.id, lines: 30)) ?? ""
        if let reason = Self.reason(fromLogs: logs, port: port) { return reason }
        return info.isRestarting || info.restartCount > 0
            ? "it exits at start (exit code \(info.exitCode), \(info.restartCount) restarts)"
            : "it exited with code \(info.exitCode)"
    }

    /// The last error the registry logged (its JSON lines' `msg` and `error`, or a plain line), with a port clash
    /// said plainly; `nil` when the logs hold nothing usable.
    public static func reason(fromLogs logs: String, port: Int) -> String? {
        for line in logs.split(whereSeparator: \.isNewline).reversed() {
            let text = line.trimmingWhitespace()
            guard !text.isEmpty else { continue }
            var message = text
            if text.hasPrefix("{") {
                guard let entry = LogLine(text), ["fatal", "panic", "error"].contains(entry.level ?? "")
                else { continue }
                message = [entry.msg, entry.error].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            } else if text.lowercased().hasPrefix("time=") && !text.contains("level=fatal")
                && !text.contains("level=error") && !text.contains("level=panic")
            {
                continue
            }
            if message.contains("address already in use") {
                return "port \(port) is in use by another process"
            }
            guard !message.isEmpty else { continue }
            return message.count > 200 ? String(message.prefix(200)) + "…" : message
        }
        return nil
    }

    /// One JSON line of the registry's log; `nil` when it is not an object or a field is not a string.
    private struct LogLine {
        var level: String?
        var msg: String?
        var error: String?

        init?(_ text: String) {
            guard let fields = try? JSONFields(parsing: text) else { return nil }
            do throws(JSONFieldError) {
                self.level = try fields.string("level")
                self.msg = try fields.string("msg")
                self.error = try fields.string("error")
            } catch {
                return nil
            }
        }
    }
}
