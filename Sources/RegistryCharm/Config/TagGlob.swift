/// A shell-style pattern over tag names: `*` any run of characters, `?` one character, `[a-z0-9]` one of a set
/// (`[!…]` or `[^…]`: none of it); anything else matches itself.
public struct TagGlob: Sendable, Equatable, CustomStringConvertible {
    private enum Token: Equatable {
        case literal(Character)
        case any
        case anyRun
        case set(negated: Bool, items: [ClosedRange<Character>])
    }

    private let tokens: [Token]
    /// The pattern as written.
    public let description: String

    /// Parses `pattern`; `nil` when a `[` set is not closed or is empty.
    public init?(_ pattern: String) {
        var tokens: [Token] = []
        var characters = Array(pattern)[...]
        while let character = characters.popFirst() {
            switch character {
            case "*": if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?": tokens.append(.any)
            case "[":
                var negated = false
                if let first = characters.first, first == "!" || first == "^" {
                    negated = true
                    characters.removeFirst()
                }
                var items: [ClosedRange<Character>] = []
                var closed = false
                while let item = characters.popFirst() {
                    if item == "]", !items.isEmpty {
                        closed = true
                        break
                    }
                    if characters.count >= 2, characters.first == "-", let upper = characters.dropFirst().first,
                        upper != "]"
                    {
                        characters.removeFirst(2)
                        guard item <= upper else { return nil }
                        items.append(item...upper)
                    } else {
                        items.append(item...item)
                    }
                }
                guard closed else { return nil }
                tokens.append(.set(negated: negated, items: items))
            default: tokens.append(.literal(character))
            }
        }
        self.tokens = tokens
        self.description = pattern
    }

    /// Whether `name` matches the whole pattern.
    public func matches(_ name: String) -> Bool {
        let text = Array(name)
        // Iterative matching with one backtrack point for the last `*` (linear for these patterns).
        var textIndex = 0
        var tokenIndex = 0
        var star: (token: Int, text: Int)?
        while textIndex < text.count {
            if tokenIndex < tokens.count, Self.matchesOne(tokens[tokenIndex], text[textIndex]) {
                tokenIndex += 1
                textIndex += 1
            } else if tokenIndex < tokens.count, tokens[tokenIndex] == .anyRun {
                star = (tokenIndex, textIndex)
                tokenIndex += 1
            } else if let last = star {
                star = (last.token, last.text + 1)
                tokenIndex = last.token + 1
                textIndex = last.text + 1
            } else {
                return false
            }
        }
        while tokenIndex < tokens.count, tokens[tokenIndex] == .anyRun { tokenIndex += 1 }
        return tokenIndex == tokens.count
    }

    private static func matchesOne(_ token: Token, _ character: Character) -> Bool {
        switch token {
        case .literal(let expected): return character == expected
        case .any: return true
        case .anyRun: return false
        case .set(let negated, let items): return items.contains { $0.contains(character) } != negated
        }
    }
}
