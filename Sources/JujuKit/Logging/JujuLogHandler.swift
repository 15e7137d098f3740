public import Logging
import Synchronization

/// Log lines waiting to be sent through `juju-log`.
///
/// swift-log handlers are synchronous while hook tools are processes awaited asynchronously, so lines are queued
/// here and the dispatcher sends them after each handler and at the end of the hook.
public final class LogBuffer: Sendable {
    /// One queued line.
    public struct Line: Sendable, Equatable {
        /// The `juju-log` level.
        public var level: JujuLogLevel
        /// The text, secrets already masked.
        public var message: String
    }

    private let lines = Mutex<[Line]>([])

    /// Creates an empty buffer.
    public init() {}

    /// Queues a line.
    public func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }

    /// Takes every queued line, leaving the buffer empty.
    public func drain() -> [Line] {
        lines.withLock { queued in
            defer { queued.removeAll() }
            return queued
        }
    }
}

/// A swift-log handler whose lines end up in `juju debug-log` through `juju-log`.
public struct JujuLogHandler: LogHandler {
    /// Lines below this level are dropped.
    public var logLevel: Logger.Level
    /// Metadata added to every line.
    public var metadata: Logger.Metadata = [:]
    private let buffer: LogBuffer
    private let secrets: SecretMask

    /// Creates a handler that queues into `buffer`, masking `secrets`.
    public init(buffer: LogBuffer, secrets: SecretMask, level: Logger.Level = .info) {
        self.buffer = buffer
        self.secrets = secrets
        self.logLevel = level
    }

    /// Queues one line.
    public func log(event: LogEvent) {
        var text = "\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            text +=
                " " + merged.keys.sorted().map { "\($0)=\(merged[$0].map { "\($0)" } ?? "")" }.joined(separator: " ")
        }
        buffer.append(LogBuffer.Line(level: JujuLogLevel(event.level), message: secrets.mask(text)))
    }

    /// Metadata lookup.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}

extension JujuLogLevel {
    /// The `juju-log` level for a swift-log level.
    public init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info, .notice: self = .info
        case .warning: self = .warning
        case .error, .critical: self = .error
        }
    }
}
