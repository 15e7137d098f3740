import SystemLibraries

/// Reads the one value this charm needs from the `config.yml` the reactive charm wrote: `http.secret`.
///
/// The file is parsed by libyaml. The reactive charm wrote it with PyYAML's `safe_dump` (block style, keys sorted,
/// two-space indent), so the reader accepts exactly that shape and nothing looser: a top-level block mapping with an
/// `http` block mapping holding one `secret` key whose value is a plain, single-quoted or double-quoted scalar written
/// on one line with nothing after it. Anything else (this charm's own JSON file, flow style, a multi-line or escaped
/// value, an anchor, a comment after the value, two `secret:` keys, text libyaml refuses) gives `nil`, and the
/// caller does without.
public enum ReactiveConfigFile {
    /// The `http.secret` of `text`, or `nil` when the file has none or is not in the reactive charm's shape.
    public static func httpSecret(in text: String) -> String? {
        guard let events = try? YAMLEventReader.events(text) else { return nil }
        var reader = EventCursor(events: events)
        guard reader.next() == .documentStart, case .mappingStart(false, false)? = reader.next() else { return nil }
        var found: String?
        while case .scalar(let key)? = reader.peek() {
            reader.advance()
            guard key.style == .plain, key.value == "http" else {
                guard reader.skipNode() else { return nil }
                continue
            }
            guard case .mappingStart(false, false)? = reader.next() else { return nil }
            while case .scalar(let innerKey)? = reader.peek() {
                reader.advance()
                guard innerKey.style == .plain, innerKey.value == "secret" else {
                    guard reader.skipNode() else { return nil }
                    continue
                }
                guard found == nil, case .scalar(let value)? = reader.next(), !value.decorated,
                    let secret = writtenAlone(value, in: Array(text.utf8))
                else { return nil }
                found = secret
            }
            guard reader.next() == .mappingEnd else { return nil }
        }
        return found
    }

    /// The value of `scalar` when its source is one scalar alone on its line, as ``scalar(_:)`` accepts it.
    private static func writtenAlone(_ scalar: YAMLScalar, in bytes: [UInt8]) -> String? {
        guard scalar.source.upperBound <= bytes.count else { return nil }
        let rest = bytes[scalar.source.upperBound...].prefix { $0 != UInt8(ascii: "\n") }
        guard rest.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else { return nil }
        let source = String(decoding: bytes[scalar.source], as: UTF8.self)
        guard let value = Self.scalar(Substring(source)), value == scalar.value else { return nil }
        return value
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

/// Walks libyaml's events.
private struct EventCursor {
    let events: [YAMLEvent]
    var index = 0

    func peek() -> YAMLEvent? { index < events.count ? events[index] : nil }

    mutating func advance() { index += 1 }

    mutating func next() -> YAMLEvent? {
        defer { index += 1 }
        return peek()
    }

    /// Steps over one node (a scalar, or a whole sequence or mapping); `false` at an alias or the end.
    mutating func skipNode() -> Bool {
        var depth = 0
        repeat {
            switch next() {
            case .scalar: break
            case .sequenceStart, .mappingStart: depth += 1
            case .sequenceEnd, .mappingEnd: depth -= 1
            case .alias, .documentStart, .documentEnd, nil: return false
            }
        } while depth > 0
        return true
    }
}
