/// Errors of the simulator's CLI and engine, with lower-case messages naming the culprit.
struct SimError: Error, Equatable, CustomStringConvertible {
    /// The message shown after `ERROR`.
    var message: String

    /// An error with this message.
    init(_ message: String) { self.message = message }

    var description: String { message }
}
