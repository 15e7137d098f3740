/// One invalid charm option and what the operator must do about it.
public struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    /// The option's name as in `config.yaml`, such as `registry-port`.
    public let option: String
    /// What is wrong and what to do, lower-case, without the option's name or any secret value.
    public let message: String

    /// Creates a problem for `option`.
    public init(option: String, message: String) {
        self.option = option
        self.message = message
    }

    /// `<option>: <message>`.
    public var description: String { "\(option): \(message)" }
}

extension Array where Element == ConfigProblem {
    /// The blocked status for these problems.
    ///
    /// Keeps the original charm's prefix and option list (`Invalid charm config: <opt>[, <opt>…]`), then says what
    /// to do: the problem's message when there is one, else `<opt>: <message>` for each, joined by `; `.
    public var blockedMessage: String {
        var options: [String] = []
        for problem in self where !options.contains(problem.option) {
            options.append(problem.option)
        }
        let prefix = "Invalid charm config: " + options.joined(separator: ", ")
        switch count {
        case 0: return prefix
        case 1: return prefix + " — " + self[0].message
        default: return prefix + " — " + map(\.description).joined(separator: "; ")
        }
    }

    /// One line per problem, `<option>: <message>`, for the log.
    public var logLines: [String] { map(\.description) }
}
