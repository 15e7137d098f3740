import RegistryKit
import Synchronization
import SystemLibraries

/// Runs a ``MirrorEngine`` on threads of its own and, while it works, logs images done, bytes and rate at most
/// once a second.
struct MirrorProgressReporter {
    let engine: MirrorEngine
    let log: (String) async -> Void

    /// Mirrors `images` and returns the report.
    func run(_ images: [MirrorImage]) async -> MirrorReport {
        let outcome = Mutex<MirrorReport?>(nil)
        let engine = self.engine
        BlockingThreads.start {
            let report = engine.run(images)
            outcome.withLock { $0 = report }
        }
        let started = ContinuousClock.now
        var lastLine = ""
        var lastLogged = started
        while true {
            if let report = outcome.withLock({ $0 }) { return report }
            try? await Task.sleep(for: .milliseconds(100))
            let now = ContinuousClock.now
            guard now - lastLogged >= .seconds(1) else { continue }
            let progress = engine.progress
            let line = Self.line(
                done: progress.imagesDone,
                total: progress.imagesTotal,
                bytes: progress.bytesSent,
                elapsed: now - started
            )
            if line != lastLine {
                await log(line)
                lastLine = line
                lastLogged = now
            }
        }
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
