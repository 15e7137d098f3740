/// Formats doubles the way Go's `strconv.FormatFloat` does with the shortest precision.
enum GoFloat {
    /// The shortest decimal digits of `value` and the position of the decimal point (Go's `decimalSlice`).
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], point: Int) {
        let text = "\(abs(value))"
        var mantissa = Substring(text)
        var exponent = 0
        if let index = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<index]
            exponent = Int(text[text.index(after: index)...]) ?? 0
        }
        var digits: [UInt8] = []
        var point = 0
        var seenPoint = false
        for character in mantissa {
            if character == "." {
                seenPoint = true
                continue
            }
            guard let digit = character.wholeNumberValue else { continue }
            digits.append(UInt8(digit))
            if !seenPoint { point += 1 }
        }
        point += exponent
        while let first = digits.first, first == 0, digits.count > 1 {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == 0, digits.count > 1 { digits.removeLast() }
        if digits == [0] { point = 1 }
        return (digits, point)
    }

    /// Go's `'g'` format with precision -1 (used by yaml.v2).
    static func formatG(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let (digits, point) = shortestDigits(value)
        let exponent = point - 1
        let sign = value < 0 ? "-" : ""
        if digits == [0] { return sign + "0" }
        if exponent < -4 || exponent >= 6 {
            return sign + formatE(digits: digits, exponent: exponent, minExponentDigits: 2)
        }
        return sign + formatF(digits: digits, point: point)
    }

    /// Go's `encoding/json` float format: `'f'` unless the magnitude is tiny or huge, then a cleaned-up `'e'`.
    static func formatJSON(_ value: Double) -> String {
        if !value.isFinite { return "null" }
        let (digits, point) = shortestDigits(value)
        let sign = value < 0 ? "-" : ""
        if digits == [0] { return sign + "0" }
        let magnitude = abs(value)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            return sign + formatE(digits: digits, exponent: point - 1, minExponentDigits: 1)
        }
        return sign + formatF(digits: digits, point: point)
    }

    private static func formatF(digits: [UInt8], point: Int) -> String {
        var result = ""
        if point <= 0 {
            result = "0." + String(repeating: "0", count: -point) + digits.map(String.init).joined()
        } else if point >= digits.count {
            result = digits.map(String.init).joined() + String(repeating: "0", count: point - digits.count)
        } else {
            let head = digits[..<point].map(String.init).joined()
            let tail = digits[point...].map(String.init).joined()
            result = head + "." + tail
        }
        return result
    }

    private static func formatE(digits: [UInt8], exponent: Int, minExponentDigits: Int) -> String {
        var result = String(digits[0])
        if digits.count > 1 { result += "." + digits[1...].map(String.init).joined() }
        var exponentText = String(abs(exponent))
        while exponentText.count < minExponentDigits { exponentText = "0" + exponentText }
        return result + "e" + (exponent < 0 ? "-" : "+") + exponentText
    }
}
