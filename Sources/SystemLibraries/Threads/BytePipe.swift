/// A bounded buffer between one writing thread and one reading thread: a download streamed into an upload without
/// holding the whole body.
///
/// The writer blocks while the buffer is full, the reader while it is empty. Either side can end the stream with a
/// failure, which the other sees at its next call.
public final class BytePipe: Sendable {
    private struct State {
        var buffer: [UInt8] = []
        var start = 0
        var finished = false
        var failure: String?
        var available: Int { buffer.count - start }
    }

    private let capacity: Int
    private let gate = ThreadGate(State())

    /// Creates a pipe holding at most `capacity` bytes.
    public init(capacity: Int = 1 << 20) {
        self.capacity = capacity
    }

    /// Appends `bytes`, waiting for room; returns the failure the reader ended the stream with, if it did.
    public func write(_ bytes: UnsafeRawBufferPointer) -> String? {
        var offset = 0
        while offset < bytes.count {
            let failure: String? = gate.wait(
                until: { $0.failure != nil || $0.available < capacity },
                then: { state in
                    if let failure = state.failure { return failure }
                    if state.start > 0, state.start >= state.buffer.count / 2 {
                        state.buffer.removeFirst(state.start)
                        state.start = 0
                    }
                    let length = min(bytes.count - offset, capacity - state.available)
                    state.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]))
                    offset += length
                    return nil
                }
            )
            if let failure { return failure }
        }
        return nil
    }

    /// Ends the stream: the reader gets what is buffered, then the end (or `failure`, at once).
    public func finish(failure: String? = nil) {
        gate.update { state in
            if state.failure == nil { state.failure = failure }
            state.finished = true
        }
    }

    /// Fills the start of `buffer`, waiting for bytes; 0 at the end of a finished stream.
    public func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, HTTPStreamFailure> {
        gate.wait(
            until: { $0.failure != nil || $0.finished || $0.available > 0 },
            then: { state in
                if let failure = state.failure { return .failure(HTTPStreamFailure(failure)) }
                let length = min(buffer.count, state.available)
                guard length > 0 else { return .success(0) }
                state.buffer.withUnsafeBytes { bytes in
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[state.start..<state.start + length]))
                }
                state.start += length
                return .success(length)
            }
        )
    }

    /// Ends the stream from the reader's side: the writer's next call returns `failure`.
    public func abandon(failure: String) {
        gate.update { state in
            if state.failure == nil { state.failure = failure }
        }
    }
}
