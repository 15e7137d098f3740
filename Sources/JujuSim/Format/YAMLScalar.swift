import JujuKit

/// Resolves plain YAML 1.1 scalars the way Go's yaml.v2 does (bools, nulls, ints, floats, timestamps).
enum YAMLScalar {
    private static let bools: [String: Bool] = [
        "y": true, "Y": true, "yes": true, "Yes": true, "YES": true, "on": true, "On": true, "ON": true,
        "true": true, "True": true, "TRUE": true,
        "n": false, "N": false, "no": false, "No": false, "NO": false, "off": false, "Off": false, "OFF": false,
        "false": false, "False": false, "FALSE": false,
    ]
    private static let nulls: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let infinities: Set<String> = [
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
    ]

    /// The typed value of a plain scalar, as yaml.v2 would decode it into an `interface{}`.
    static func resolve(_ text: String) -> JSONValue {
        if nulls.contains(text) { return .null }
        if let flag = bools[text] { return .bool(flag) }
        if let number = integer(text) { return .int(number) }
        if let number = float(text) { return .double(number) }
        return .string(text)
    }

    /// Whether a string written plain would read back as something other than that string.
    static func needsQuoting(_ text: String) -> Bool {
        if text == "<<" { return true }
        if case .string = resolve(text) {
            return isBase60(text) || isTimestamp(text) || infinities.contains(text)
        }
        return true
    }

    private static func integer(_ text: String) -> Int? {
        var body = Substring(text.replacingAll("_", with: ""))
        guard !body.isEmpty else { return nil }
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var radix = 10
        if body.hasPrefix("0x") {
            radix = 16
            body = body.dropFirst(2)
        } else if body.hasPrefix("0b") {
            radix = 2
            body = body.dropFirst(2)
        } else if body.count > 1, body.hasPrefix("0") {
            radix = 8
            body = body.dropFirst()
        }
        guard !body.isEmpty, let magnitude = Int(body, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$
        let body = text.replacingAll("_", with: "")
        var scalars = Array(body.unicodeScalars)
        if let first = scalars.first, first == "+" || first == "-" { scalars.removeFirst() }
        var index = 0
        func digits() -> Int {
            let start = index
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            return index - start
        }
        if index < scalars.count, scalars[index] == "." {
            index += 1
            guard digits() > 0 else { return nil }
        } else {
            guard digits() > 0 else { return nil }
            if index < scalars.count, scalars[index] == "." {
                index += 1
                _ = digits()
            }
        }
        if index < scalars.count, scalars[index] == "e" || scalars[index] == "E" {
            index += 1
            if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
            guard digits() > 0 else { return nil }
        }
        guard index == scalars.count else { return nil }
        return Double(body)
    }

    private static func isBase60(_ text: String) -> Bool {
        // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
        var rest = Substring(text)
        if rest.first == "+" || rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 2, let head = parts.first, let first = head.first, first.isASCII, first.isNumber,
            head.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") })
        else { return false }
        for (index, part) in parts.dropFirst().enumerated() {
            var segment = part
            if index == parts.count - 2, let dot = segment.firstIndex(of: ".") {
                guard segment[segment.index(after: dot)...].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "_") })
                else { return false }
                segment = segment[..<dot]
            }
            guard (1...2).contains(segment.count), segment.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return false
            }
            if segment.count == 2, let lead = segment.first?.wholeNumberValue, lead > 5 { return false }
        }
        return true
    }

    private static func isTimestamp(_ text: String) -> Bool {
        // A leading YYYY-M-D date, as yaml.v2 treats such strings as timestamps.
        let scalars = Array(text.utf8)
        guard scalars.count >= 8 else { return false }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
        guard scalars[0..<4].allSatisfy(isDigit), scalars[4] == UInt8(ascii: "-") else { return false }
        var index = 5
        var count = 0
        while index < scalars.count, isDigit(scalars[index]) { index += 1; count += 1 }
        guard (1...2).contains(count), index < scalars.count, scalars[index] == UInt8(ascii: "-") else {
            return false
        }
        index += 1
        count = 0
        while index < scalars.count, isDigit(scalars[index]) { index += 1; count += 1 }
        return (1...2).contains(count)
    }
}

extension String {
    /// A copy with every occurrence of `target` replaced (no Foundation needed).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
