/// Checks on words that end up in other programs' files (Nagios definitions, netlocs, shell lines).
enum ASCIIWord {
    /// Whether `scalar` is an ASCII letter or digit.
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Whether `text` is non-empty and made only of ASCII letters, digits and the characters in `extra`.
    static func isMade(_ text: String, ofAlphanumericsAnd extra: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { isAlphanumeric($0) || extra.unicodeScalars.contains($0) }
    }
}
