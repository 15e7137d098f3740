public import JujuKit

extension CommandResult {
    /// What went wrong, on one line: standard error (or output when it was merged), whitespace collapsed.
    public var reason: String {
        let text = standardError.trimmingWhitespace().isEmpty ? standardOutput : standardError
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        let line = words.joined(separator: " ")
        return line.isEmpty ? "exit status \(exitCode)" : line
    }
}
