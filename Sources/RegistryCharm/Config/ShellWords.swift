/// Splits a command-line fragment into words the way a POSIX shell does for plain words and quotes
/// (`'…'`, `"…"`, `\`), without expansions.
public enum ShellWords {
    /// The words of `text`.
    public static func split(_ text: String) throws(ShellWordsError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            case "'":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "'" {
                        closed = true
                        break
                    }
                    current.append(next)
                }
                guard closed else { throw .unterminatedQuote }
            case "\"":
                inWord = true
                var closed = false
                while let next = iterator.next() {
                    if next == "\"" {
                        closed = true
                        break
                    }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { throw .unterminatedQuote }
                        if !"$`\"\\\n".contains(escaped) { current.append("\\") }
                        if escaped != "\n" { current.append(escaped) }
                        continue
                    }
                    current.append(next)
                }
                guard closed else { throw .unterminatedQuote }
            case "\\":
                guard let escaped = iterator.next() else { throw .danglingEscape }
                if escaped != "\n" {
                    current.append(escaped)
                    inWord = true
                }
            default:
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

/// Why a command-line fragment could not be split.
public enum ShellWordsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A quote is never closed.
    case unterminatedQuote
    /// The text ends with a lone `\`.
    case danglingEscape

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .unterminatedQuote: return "a quote is never closed"
        case .danglingEscape: return "the text ends with a lone '\\'"
        }
    }
}
