/// A duration as operators write it: one or more `<number><unit>` with units `d`, `h`, `m` and `s`, such as `24h`,
/// `1h30m` or `7d`.
public enum DurationText {
    /// The seconds `text` stands for; `nil` when it is not such a duration or is zero.
    public static func seconds(_ text: String) -> Int? {
        let units: [Character: Int] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                guard digits.count <= 9 else { return nil }
            } else if let unit = units[character], let number = Int(digits) {
                total += number * unit
                digits = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        guard digits.isEmpty, sawUnit, total > 0 else { return nil }
        return total
    }
}
