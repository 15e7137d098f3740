/// How a hook tool fails: usage errors exit 2, runtime errors exit 1, help exits 0.
enum ToolError: Error, Equatable {
    /// A flag or argument error (exit 2).
    case usage(String)
    /// An error while running (exit 1).
    case runtime(String)
    /// `-h`/`--help` was given (exit 0).
    case help

    /// The process exit code.
    var exitCode: Int32 {
        switch self {
        case .usage: return 2
        case .runtime: return 1
        case .help: return 0
        }
    }

    /// Formats a list of arguments the way Go's `%q` prints a `[]string`.
    static func quotedList(_ items: [String]) -> String {
        var output = "["
        for (index, item) in items.enumerated() {
            if index > 0 { output += " " }
            GoJSON.writeString(item, to: &output)
        }
        return output + "]"
    }

    /// The error for extra positional arguments.
    static func unrecognized(_ items: [String]) -> ToolError { .usage("unrecognized args: " + quotedList(items)) }
}
