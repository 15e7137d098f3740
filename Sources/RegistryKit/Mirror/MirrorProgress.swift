import Synchronization

/// Counters the mirror's workers move and a reporter reads while they run.
public final class MirrorProgress: Sendable {
    private let done = Atomic(0)
    private let bytes = Atomic(0)
    private let total = Atomic(0)

    /// Creates counters at zero.
    public init() {}

    /// Images finished (copied, skipped or failed).
    public var imagesDone: Int { done.load(ordering: .relaxed) }
    /// Images to do.
    public var imagesTotal: Int { total.load(ordering: .relaxed) }
    /// Blob bytes sent so far.
    public var bytesSent: Int { bytes.load(ordering: .relaxed) }

    func setTotal(_ count: Int) { total.store(count, ordering: .relaxed) }
    func finishImage() { done.add(1, ordering: .relaxed) }
    func add(bytes count: Int) { bytes.add(count, ordering: .relaxed) }
}
