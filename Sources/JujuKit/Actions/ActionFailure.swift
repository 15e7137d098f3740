/// Why an action failed: the one full sentence `action-fail` shows the operator.
///
/// Actions throw it for every expected failure (a bad parameter, a refused docker command); the action handler
/// turns it into `action-fail` and commits the unit state, so what the action did before failing is remembered.
public struct ActionFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sentence, capitalised and ending with a full stop (the reactive charm's wording where it had one).
    public var message: String

    /// Creates a failure with `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The sentence.
    public var description: String { message }
}
