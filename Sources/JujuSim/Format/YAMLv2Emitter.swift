import JujuKit

/// Emits a ``JSONValue`` as Go's yaml.v2 `Marshal` would: block style, sorted keys, two-space maps,
/// unindented sequences, and quoting only where a plain scalar would change meaning.
enum YAMLv2Emitter {
    /// The YAML document for `value`, ending with exactly one newline; `order` gives struct field orders.
    static func emit(_ value: JSONValue, order: KeyOrder? = nil) -> String {
        var lines: [String] = []
        switch value {
        case .object(let members) where !members.isEmpty:
            emitMap(members, indent: 0, into: &lines, order: order, path: [])
        case .array(let items) where !items.isEmpty:
            emitList(items, indent: 0, into: &lines, order: order, path: [])
        default:
            if case .string(let text) = value, isMultiline(text) {
                lines.append(literalHeader(text))
                appendLiteralBody(text, indent: 2, into: &lines)
            } else {
                lines.append(inline(value))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func pad(_ count: Int) -> String { String(repeating: " ", count: count) }

    private static func emitMap(
        _ members: [String: JSONValue],
        indent: Int,
        into lines: inout [String],
        order: KeyOrder?,
        path: [String]
    ) {
        let keys =
            order?.arrange(Array(members.keys), at: path, sorted: naturalLess) ?? members.keys.sorted(by: naturalLess)
        for key in keys {
            let value = members[key] ?? .null
            let head = pad(indent) + scalar(key) + ":"
            if let order, order.isTime(key, at: path), case .string(let time) = value {
                lines.append(head + " " + time)
                continue
            }
            appendEntry(
                head: head,
                value: value,
                childIndent: indent + 2,
                listIndent: indent,
                into: &lines,
                order: order,
                path: path + [key]
            )
        }
    }

    /// Emits a nested collection as a list item: `- ` replaces the indentation of its first line.
    private static func appendItem(indent: Int, into lines: inout [String], _ emit: (inout [String]) -> Void) {
        var nested: [String] = []
        emit(&nested)
        guard let first = nested.first else { return }
        lines.append(pad(indent) + "- " + first.dropFirst(indent + 2))
        lines.append(contentsOf: nested.dropFirst())
    }

    private static func emitList(
        _ items: [JSONValue],
        indent: Int,
        into lines: inout [String],
        order: KeyOrder?,
        path: [String]
    ) {
        for item in items {
            switch item {
            case .object(let members) where !members.isEmpty:
                appendItem(indent: indent, into: &lines) {
                    emitMap(members, indent: indent + 2, into: &$0, order: order, path: path)
                }
            case .array(let inner) where !inner.isEmpty:
                appendItem(indent: indent, into: &lines) {
                    emitList(inner, indent: indent + 2, into: &$0, order: order, path: path)
                }
            default:
                appendEntry(
                    head: pad(indent) + "-",
                    value: item,
                    childIndent: indent + 2,
                    listIndent: indent + 2,
                    into: &lines,
                    order: order,
                    path: path
                )
            }
        }
    }

    private static func appendEntry(
        head: String,
        value: JSONValue,
        childIndent: Int,
        listIndent: Int,
        into lines: inout [String],
        order: KeyOrder?,
        path: [String]
    ) {
        switch value {
        case .object(let members) where !members.isEmpty:
            lines.append(head)
            emitMap(members, indent: childIndent, into: &lines, order: order, path: path)
        case .array(let items) where !items.isEmpty:
            lines.append(head)
            emitList(items, indent: listIndent, into: &lines, order: order, path: path)
        case .string(let text) where isMultiline(text):
            lines.append(head + " " + literalHeader(text))
            appendLiteralBody(text, indent: childIndent, into: &lines)
        default:
            lines.append(head + " " + inline(value))
        }
    }

    private static func inline(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .double(let number):
            if number.isNaN { return ".nan" }
            if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
            return GoFloat.formatG(number)
        case .string(let text): return scalar(text)
        case .array: return "[]"
        case .object: return "{}"
        }
    }

    private static func isMultiline(_ text: String) -> Bool {
        text.contains("\n") && !text.hasPrefix(" ") && text.unicodeScalars.allSatisfy(isPrintable)
    }

    private static func literalHeader(_ text: String) -> String {
        if text.hasSuffix("\n\n") { return "|+" }
        return text.hasSuffix("\n") ? "|" : "|-"
    }

    private static func appendLiteralBody(_ text: String, indent: Int, into lines: inout [String]) {
        var body = Substring(text)
        while body.hasSuffix("\n") { body = body.dropLast() }
        var parts = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let trailing = text.count - body.count
        if trailing > 1 { parts.append(contentsOf: Array(repeating: "", count: trailing - 1)) }
        for part in parts { lines.append(part.isEmpty ? "" : pad(indent) + part) }
    }

    /// A string scalar: plain when safe, else single-quoted, else double-quoted.
    static func scalar(_ text: String) -> String {
        if YAMLScalar.needsQuoting(text) { return doubleQuoted(text) }
        if plainAllowed(text) { return text }
        if text.unicodeScalars.allSatisfy({ isPrintable($0) && $0 != "\n" }) {
            return "'" + text.replacingAll("'", with: "''") + "'"
        }
        return doubleQuoted(text)
    }

    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value == 0x09 || value == 0x0A { return true }
        if value < 0x20 || value == 0x7F { return false }
        if (0x80...0x9F).contains(value) || value == 0xFEFF { return false }
        return true
    }

    private static func plainAllowed(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last else { return false }
        if text.hasPrefix("---") || text.hasPrefix("...") { return false }
        if first == " " || last == " " || first == "\t" || last == "\t" { return false }
        let second: Unicode.Scalar? = scalars.count > 1 ? scalars[1] : nil
        let followedBySpace = second == nil || second == " " || second == "\t"
        switch first {
        case "#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`": return false
        case "-", "?", ":": if followedBySpace { return false }
        default: break
        }
        for (index, scalar) in scalars.enumerated() {
            if !isPrintable(scalar) || scalar == "\n" || scalar == "\t" { return false }
            let next: Unicode.Scalar? = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == ":" && (next == nil || next == " ") { return false }
            if scalar == "#" && index > 0 && scalars[index - 1] == " " { return false }
        }
        return true
    }

    private static func doubleQuoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case "\0": output += "\\0"
            default:
                if isPrintable(scalar) {
                    output.unicodeScalars.append(scalar)
                } else {
                    let digits = String(scalar.value, radix: 16, uppercase: true)
                    output +=
                        scalar.value <= 0xFF
                        ? "\\x" + String(repeating: "0", count: 2 - digits.count) + digits
                        : "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
                }
            }
        }
        return output + "\""
    }

    /// yaml.v2's key order: digit runs compare numerically, letters before other characters.
    static func naturalLess(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.unicodeScalars)
        let right = Array(rhs.unicodeScalars)
        var i = 0
        var j = 0
        while i < left.count && j < right.count {
            let a = left[i]
            let b = right[j]
            let aDigit = ("0"..."9").contains(a)
            let bDigit = ("0"..."9").contains(b)
            if aDigit && bDigit {
                var iEnd = i
                while iEnd < left.count, ("0"..."9").contains(left[iEnd]) { iEnd += 1 }
                var jEnd = j
                while jEnd < right.count, ("0"..."9").contains(right[jEnd]) { jEnd += 1 }
                let aNumber = String(String.UnicodeScalarView(left[i..<iEnd]))
                let bNumber = String(String.UnicodeScalarView(right[j..<jEnd]))
                let aTrimmed = aNumber.drop(while: { $0 == "0" })
                let bTrimmed = bNumber.drop(while: { $0 == "0" })
                if aTrimmed.count != bTrimmed.count { return aTrimmed.count < bTrimmed.count }
                if aTrimmed != bTrimmed { return aTrimmed < bTrimmed }
                i = iEnd
                j = jEnd
                continue
            }
            if a != b { return a.value < b.value }
            i += 1
            j += 1
        }
        return left.count - i < right.count - j
    }
}
