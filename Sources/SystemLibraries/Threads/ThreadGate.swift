#if canImport(Glibc)
    import Glibc
#endif

/// A mutex with one condition variable (POSIX threads): the blocking hand-off the streaming transfers need, which
/// Swift's `Mutex` alone cannot express (a thread waits until another changes the guarded state).
public final class ThreadGate<State>: @unchecked Sendable {
    // The state is read and written only under the mutex.
    private var state: State
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    /// Creates a gate guarding `state`.
    public init(_ state: State) {
        self.state = state
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Runs `body` on the state under the mutex and wakes every waiting thread.
    @discardableResult
    public func update<Result>(_ body: (inout State) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&state)
    }

    /// Waits until `ready` holds for the state, then runs `body` on it under the mutex and wakes the others.
    @discardableResult
    public func wait<Result>(until ready: (State) -> Bool, then body: (inout State) throws -> Result) rethrows
        -> Result
    {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        while !ready(state) { pthread_cond_wait(condition, mutex) }
        return try body(&state)
    }
}

/// Runs closures on threads of their own (POSIX threads, not Swift's cooperative pool, which blocking transfers
/// would starve).
public enum BlockingThreads {
    /// Starts `body` on a new thread and returns at once.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        let started = pthread_create(
            &thread,
            &attributes,
            { argument in
                guard let argument else { return nil }
                let body = Unmanaged<ThreadBody>.fromOpaque(argument).takeRetainedValue()
                body.run()
                return nil
            },
            box
        )
        if started != 0 {
            // No thread could be made: run here rather than lose the work.
            Unmanaged<ThreadBody>.fromOpaque(box).takeRetainedValue().run()
        }
    }

    /// Runs `body(index)` for `0..<count` on `count` threads and returns when all have returned.
    public static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let remaining = ThreadGate(count)
        for index in 0..<count {
            start {
                body(index)
                remaining.update { $0 -= 1 }
            }
        }
        remaining.wait(until: { $0 == 0 }, then: { _ in })
    }
}

private final class ThreadBody {
    let run: @Sendable () -> Void

    init(_ run: @escaping @Sendable () -> Void) {
        self.run = run
    }
}
