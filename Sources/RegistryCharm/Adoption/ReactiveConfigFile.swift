/// Reads the one value this charm needs from the `config.yml` the reactive charm wrote: `http.secret`.
///
/// The reactive charm wrote the file with PyYAML's `safe_dump` (block style, keys sorted, two-space indent), so the
/// reader accepts exactly that shape and nothing looser: a top-level `http:` line, its block indented below it, and
/// one `secret:` line at the block's first indent holding a plain, single-quoted or double-quoted scalar on one line.
/// Anything else (this charm's own JSON file, flow style, a multi-line or escaped value, two `secret:` keys) gives
/// `nil`, and the caller does without.
public enum ReactiveConfigFile {
    /// The `http.secret` of `text`, or `nil` when the file has none or is not in the reactive charm's shape.
    public static func httpSecret(in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        guard let start = lines.firstIndex(where: { $0 == "http:" }) else { return nil }
        var block: [Substring] = []
        for line in lines[(start + 1)...] {
            if line.allSatisfy({ $0 == " " }) { continue }
            guard line.first == " " else { break }
            block.append(line)
        }
        guard let first = block.first else { return nil }
        let indent = first.prefix { $0 == " " }.count
        var found: String?
        for (index, line) in block.enumerated() {
            let lineIndent = line.prefix { $0 == " " }.count
            guard lineIndent == indent else { continue }
            let content = line.dropFirst(indent)
            guard content.hasPrefix("secret:") else { continue }
            guard found == nil else { return nil }
            // A deeper line right after the key would continue the value over several lines.
            if index + 1 < block.count, block[index + 1].prefix(while: { $0 == " " }).count > indent { return nil }
            let rest = content.dropFirst("secret:".count)
            guard rest.first == " " else { return nil }
            guard let value = scalar(rest.drop { $0 == " " }) else { return nil }
            found = value
        }
        return found
    }

    /// One scalar on one line: `'…'` (with `''` for a quote), `"…"` without escapes, or a plain word.
    static func scalar(_ text: Substring) -> String? {
        guard let first = text.first else { return nil }
        if first == "'" {
            guard text.count >= 2, text.last == "'" else { return nil }
            let inner = text.dropFirst().dropLast()
            var result = ""
            var index = inner.startIndex
            while index < inner.endIndex {
                let character = inner[index]
                if character == "'" {
                    let next = inner.index(after: index)
                    guard next < inner.endIndex, inner[next] == "'" else { return nil }
                    result.append("'")
                    index = inner.index(after: next)
                } else {
                    result.append(character)
                    index = inner.index(after: index)
                }
            }
            return result.isEmpty ? nil : result
        }
        if first == "\"" {
            guard text.count >= 2, text.last == "\"" else { return nil }
            let inner = text.dropFirst().dropLast()
            guard !inner.isEmpty, !inner.contains("\\"), !inner.contains("\"") else { return nil }
            return String(inner)
        }
        // Plain: only the characters a generated secret has (base64, base64url, hex), so no YAML syntax can hide here.
        let allowed = text.unicodeScalars.allSatisfy {
            ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                || "+/=-_.".unicodeScalars
                    .contains($0)
        }
        return allowed ? String(text) : nil
    }
}
