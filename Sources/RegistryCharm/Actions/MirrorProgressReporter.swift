import RegistryKit
import SystemLibraries

/// Runs a ``MirrorEngine`` on threads of its own and, while it works, logs images done, bytes and rate at most
/// once a second.
struct MirrorProgressReporter {
    let engine: MirrorEngine
    let log: (String) async -> Void

    /// What the loop of ``run(_:)`` waits for: a second gone by, or the engine's report.
    private enum Event: Sendable {
        case tick
        case done(MirrorReport)
    }

    /// Mirrors `images` and returns the report the moment the engine has it (no polling delay: a re-run with
    /// nothing to copy takes a fraction of a second).
    func run(_ images: [MirrorImage]) async -> MirrorReport {
        let (events, continuation) = AsyncStream<Event>.makeStream()
        let engine = self.engine
        BlockingThreads.start { continuation.yield(.done(engine.run(images))) }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                continuation.yield(.tick)
            }
        }
        defer {
            ticker.cancel()
            continuation.finish()
        }
        let started = ContinuousClock.now
        var lastLine = ""
        for await event in events {
            switch event {
            case .done(let report):
                return report
            case .tick:
                let progress = engine.progress
                let line = Self.line(
                    done: progress.imagesDone,
                    total: progress.imagesTotal,
                    bytes: progress.bytesSent,
                    elapsed: ContinuousClock.now - started
                )
                if line != lastLine {
                    await log(line)
                    lastLine = line
                }
            }
        }
        // Only a cancelled action gets here: the engine's threads may still be working.
        var report = MirrorReport()
        report.failed = images.count - engine.progress.imagesDone
        report.failures = ["the action was cancelled before the mirror finished"]
        return report
    }

    /// `3/12 images, 24.1 MiB sent (12.0 MiB/s)`.
    static func line(done: Int, total: Int, bytes: Int, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(bytes) / seconds : 0
        return "\(done)/\(total) images, \(mebibytes(Double(bytes))) MiB sent (\(mebibytes(rate)) MiB/s)"
    }

    private static func mebibytes(_ bytes: Double) -> String {
        let tenths = Int((bytes / 1_048_576 * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
