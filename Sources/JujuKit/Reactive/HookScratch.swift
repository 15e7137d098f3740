/// Values one handler works out and later handlers (and the status) read in the same hook; never persisted.
///
/// Each value is keyed by its type, so a handler stores one value per kind of fact: `session.scratch[TLSState.self]`.
public final class HookScratch {
    private var values: [ObjectIdentifier: Any] = [:]

    /// Creates an empty scratch pad.
    public init() {}

    /// The value of type `T` stored this hook, if any.
    public subscript<T>(_ type: T.Type) -> T? {
        get { values[ObjectIdentifier(type)] as? T }
        set { values[ObjectIdentifier(type)] = newValue }
    }
}
