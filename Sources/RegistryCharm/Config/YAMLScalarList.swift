/// Reads the apt layer's list options (`install_sources`, `install_keys`): a YAML list of scalars held in a string.
///
/// Accepts what charm-helpers' `configure_sources` accepts without a YAML library: "" or `null` (no items); one
/// scalar (one item); a flow list `[a, 'b', "c", null]`; a block list of `- item` lines whose items may be plain,
/// quoted, continued on more-indented lines, or `|`/`>` block scalars (for ASCII-armoured keys). Items that are
/// `null`, `~` or empty read as `nil`. Nested lists and mappings are refused.
public enum YAMLScalarList {
    /// The items of `text`.
    public static func parse(_ text: String) throws(YAMLListError) -> [String?] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasSuffix("\r") ? line.dropLast() : line
        }
        let content = lines.filter { !isBlankOrComment($0) }
        guard let first = content.first else { return [] }
        let start = first.trimmingWhitespace
        if start.hasPrefix("[") {
            return try parseFlow(content.map { String($0) }.joined(separator: "\n"))
        }
        if start == "-" || start.hasPrefix("- ") || start.hasPrefix("-\t") {
            return try parseBlock(lines)
        }
        let scalar = try parseScalar(content.map { $0.trimmingWhitespace }.joined(separator: " "))
        return scalar.map { [$0] } ?? []
    }

    private static func isBlankOrComment(_ line: Substring) -> Bool {
        let trimmed = line.trimmingWhitespace
        return trimmed.isEmpty || trimmed.hasPrefix("#")
    }

    private static func indentation(_ line: Substring) -> Int {
        line.prefix { $0 == " " }.count
    }

    // MARK: Flow lists

    private static func parseFlow(_ text: String) throws(YAMLListError) -> [String?] {
        var body = Substring(text.trimmingWhitespace)
        guard body.hasPrefix("["), body.hasSuffix("]") else { throw .unterminatedFlowList }
        body = body.dropFirst().dropLast()
        var items: [String?] = []
        var current = ""
        var quote: Character?
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            if let open = quote {
                current.append(character)
                if character == "\\" && open == "\"" {
                    index = body.index(after: index)
                    if index < body.endIndex { current.append(body[index]) }
                } else if character == open {
                    quote = nil
                }
            } else if character == "'" || character == "\"" {
                quote = character
                current.append(character)
            } else if character == "," {
                items.append(try parseScalar(current.trimmingWhitespace))
                current = ""
            } else if "[]{}".contains(character) {
                throw .nestedCollection
            } else {
                current.append(character == "\n" ? " " : character)
            }
            index = body.index(after: index)
        }
        guard quote == nil else { throw .unterminatedQuote }
        let last = current.trimmingWhitespace
        if !last.isEmpty || !items.isEmpty && !body.trimmingWhitespace.hasSuffix(",") {
            items.append(try parseScalar(last))
        }
        return items
    }

    // MARK: Block lists

    private static func parseBlock(_ lines: [Substring]) throws(YAMLListError) -> [String?] {
        var items: [String?] = []
        var dashIndent: Int?
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            if isBlankOrComment(line) { continue }
            let indent = indentation(line)
            let trimmed = line.dropFirst(indent)
            guard trimmed == "-" || trimmed.hasPrefix("- ") || trimmed.hasPrefix("-\t") else {
                throw .unexpectedLine
            }
            if let dashIndent, dashIndent != indent { throw .unexpectedLine }
            dashIndent = indent
            let value = trimmed.dropFirst().trimmingWhitespace
            // Lines indented deeper than the dash belong to this item.
            var continuation: [Substring] = []
            while index < lines.count,
                lines[index].trimmingWhitespace.isEmpty || indentation(lines[index]) > indent
            {
                continuation.append(lines[index])
                index += 1
            }
            if value.hasPrefix("|") || value.hasPrefix(">") {
                items.append(try blockScalar(header: value, lines: continuation, parentIndent: indent))
            } else {
                let more = continuation.filter { !isBlankOrComment($0) }.map { $0.trimmingWhitespace }
                if value.hasPrefix("- ") || value == "-" || more.contains(where: { $0.hasPrefix("- ") }) {
                    throw .nestedCollection
                }
                items.append(try parseScalar(([value] + more).filter { !$0.isEmpty }.joined(separator: " ")))
            }
        }
        return items
    }

    private static func blockScalar(
        header: String,
        lines: [Substring],
        parentIndent: Int
    ) throws(YAMLListError) -> String {
        let folded = header.hasPrefix(">")
        let indicators = header.dropFirst().trimmingWhitespace
        guard indicators.isEmpty || indicators == "-" || indicators == "+" else { throw .unsupportedBlockScalar }
        var body = lines
        while let last = body.last, last.trimmingWhitespace.isEmpty { body.removeLast() }
        guard let firstLine = body.first(where: { !$0.trimmingWhitespace.isEmpty }) else { return "" }
        let contentIndent = indentation(firstLine)
        guard contentIndent > parentIndent else { throw .unexpectedLine }
        var stripped: [String] = []
        for line in body {
            let isBlank = line.trimmingWhitespace.isEmpty
            guard isBlank || indentation(line) >= contentIndent else { throw .unexpectedLine }
            stripped.append(isBlank ? "" : String(line.dropFirst(contentIndent)))
        }
        var text = ""
        if folded {
            var previousBlank = true
            for line in stripped {
                if line.isEmpty {
                    text += "\n"
                } else {
                    text += (previousBlank ? "" : " ") + line
                }
                previousBlank = line.isEmpty
            }
        } else {
            text = stripped.joined(separator: "\n")
        }
        switch indicators {
        case "-": return text
        case "+": return text + "\n" + String(repeating: "\n", count: lines.count - body.count)
        default: return text + "\n"
        }
    }

    // MARK: Scalars

    /// One scalar: plain, 'single-quoted' or "double-quoted"; `null`, `~` and "" read as `nil`.
    static func parseScalar(_ text: String) throws(YAMLListError) -> String? {
        if text.isEmpty || ["null", "Null", "NULL", "~"].contains(text) { return nil }
        if text.hasPrefix("'") {
            guard text.count >= 2, text.hasSuffix("'") else { throw .unterminatedQuote }
            let inner = String(text.dropFirst().dropLast())
            guard !inner.replacing("''", with: "").contains("'") else { throw .unterminatedQuote }
            return inner.replacing("''", with: "'")
        }
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { throw .unterminatedQuote }
            return try unescapeDoubleQuoted(text.dropFirst().dropLast())
        }
        // A comment ends a plain scalar.
        var plain = text
        if let comment = text.firstRange(of: " #") {
            plain = String(text[..<comment.lowerBound]).trimmingWhitespace
        }
        if let first = plain.first, "[]{}&*!|>%@`".contains(first) { throw .unsupportedScalar }
        if plain.contains(": ") || plain.hasSuffix(":") { throw .nestedCollection }
        return plain
    }

    private static func unescapeDoubleQuoted(_ text: Substring) throws(YAMLListError) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if character == "\"" { throw .unterminatedQuote }
            guard character == "\\" else {
                result.append(character)
                continue
            }
            guard let escaped = iterator.next() else { throw .invalidEscape }
            switch escaped {
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "r": result.append("\r")
            case "0": result.append("\0")
            case "\\", "\"", "/", " ": result.append(escaped)
            case "u", "x", "U":
                let width = escaped == "x" ? 2 : escaped == "u" ? 4 : 8
                var hex = ""
                for _ in 0..<width {
                    guard let digit = iterator.next(), digit.isHexDigit else { throw .invalidEscape }
                    hex.append(digit)
                }
                guard let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) else {
                    throw .invalidEscape
                }
                result.unicodeScalars.append(scalar)
            default: throw .invalidEscape
            }
        }
        return result
    }
}

/// Why a YAML list option could not be read.
public enum YAMLListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `[` list has no closing `]`.
    case unterminatedFlowList
    /// A quoted item has no closing quote.
    case unterminatedQuote
    /// A `\` escape in a double-quoted item is unknown or incomplete.
    case invalidEscape
    /// An item is itself a list or a mapping.
    case nestedCollection
    /// A line is neither a `- item` nor a continuation of one.
    case unexpectedLine
    /// A block scalar header other than `|`, `|-`, `|+`, `>`, `>-`, `>+`.
    case unsupportedBlockScalar
    /// An item starts with a YAML indicator (anchor, tag, alias…).
    case unsupportedScalar

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .unterminatedFlowList: return "the '[' list has no closing ']'"
        case .unterminatedQuote: return "a quoted item has no closing quote"
        case .invalidEscape: return "a double-quoted item has an invalid '\\' escape"
        case .nestedCollection: return "items must be plain strings, not lists or mappings"
        case .unexpectedLine: return "every line must be a '- item' at the same indentation or continue one"
        case .unsupportedBlockScalar: return "only the block scalars |, |-, |+, >, >- and >+ are supported"
        case .unsupportedScalar: return "an item starts with a yaml indicator; quote it"
        }
    }
}
