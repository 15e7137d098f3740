import Foundation
import JujuKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why a secret URI, key, value or time could not be read; `message` is Juju's text.
struct SecretInputError: Error, Equatable {
    /// The message shown after `ERROR`.
    var message: String

    /// An error with this message.
    init(_ message: String) { self.message = message }
}

/// A secret URI as Juju's `secrets.ParseURI` reads it: `secret:<id>`, `secret://<model-uuid>/<id>`, `<id>`.
struct SecretURI: Equatable, Sendable {
    /// The model the secret lives in ("" when not given).
    var sourceUUID: String
    /// The 20-character xid.
    var id: String

    /// `secret:<id>`, or `secret://<uuid>/<id>` when the source is given (Go's `URI.String`).
    var string: String { sourceUUID.isEmpty ? "secret:" + id : "secret://\(sourceUUID)/\(id)" }

    /// Parses `text`; errors carry Juju's messages (`secret URI "x" not valid`, `secret URI scheme "x" not valid`).
    static func parse(_ text: String) throws(SecretInputError) -> SecretURI {
        var rest = Substring(text)
        var scheme = ""
        if let colon = text.firstIndex(of: ":") {
            let candidate = text[..<colon]
            if let first = candidate.first, first.isASCII, first.isLetter,
                candidate.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
            {
                scheme = candidate.lowercased()
                rest = text[text.index(after: colon)...]
            } else if colon == text.startIndex {
                throw SecretInputError("parse \"\(text)\": missing protocol scheme")
            }
        }
        if !scheme.isEmpty && scheme != "secret" {
            throw SecretInputError("secret URI scheme \"\(scheme)\" not valid")
        }
        var host = ""
        var path = rest
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2)
            let slash = authority.firstIndex(of: "/") ?? authority.endIndex
            host = String(authority[..<slash])
            path = authority[slash...]
            if !host.isEmpty && !isUUID(host) {
                throw SecretInputError("host controller UUID \"\(host)\" not valid")
            }
        }
        let idText = String(path.drop { $0 == "/" })
        var source = host
        var idPart = idText
        let parts = idText.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, isUUID(String(parts[0])) {
            source = String(parts[0])
            idPart = String(parts[1])
        }
        guard SecretID.isValid(idPart) else { throw SecretInputError("secret URI \"\(text)\" not valid") }
        return SecretURI(sourceUUID: source, id: idPart)
    }

    /// Whether `text` is a lower-case UUID (`8-4-4-4-12` hex digits).
    static func isUUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) } }
    }
}

/// Secret ids: xids (4 bytes of time, 3 of machine, 2 of process, 3 of counter) in lower-case base32hex.
enum SecretID {
    private static let alphabet = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// A new id from the time, a per-model machine value and a counter, as `xid.New()` builds one.
    static func make(time: UInt32, machine: UInt32, process: UInt16, counter: UInt32) -> String {
        var bytes: [UInt8] = []
        for shift in [24, 16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: time >> UInt32(shift))) }
        for shift in [16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: machine >> UInt32(shift))) }
        for shift in [8, 0] { bytes.append(UInt8(truncatingIfNeeded: process >> UInt16(shift))) }
        for shift in [16, 8, 0] { bytes.append(UInt8(truncatingIfNeeded: counter >> UInt32(shift))) }
        return encode(bytes)
    }

    /// Base32hex without padding: 12 bytes give 20 characters.
    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 0x1F)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)]) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Whether `text` is an id `xid.FromString` accepts: 20 characters of `0-9a-v`, the last one holding only the
    /// 96th bit (`0` or `g`).
    static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.utf8)
        guard scalars.count == 20, scalars.allSatisfy({ alphabet.contains($0) }) else { return false }
        return scalars[19] == UInt8(ascii: "0") || scalars[19] == UInt8(ascii: "g")
    }
}

/// Secret content as the hook tools and `juju add-secret` read it (Juju's `CreateSecretData`/`ReadSecretData`).
enum SecretContent {
    /// Size limits: 8 KiB per value and 64 KiB in all on Juju 4.0 (juju main); none on 3.x.
    struct Limits: Sendable {
        /// Bytes per value.
        var value: Int
        /// Bytes in all.
        var total: Int

        /// The limits of a Juju version (nil: none).
        static func forVersion(major: Int) -> Limits? {
            major >= 4 ? Limits(value: 8 * 1024, total: 64 * 1024) : nil
        }
    }

    /// Parses `key=value`, `key#base64=value` and `key#file=path` arguments into base64-encoded values.
    static func parse(
        _ arguments: [String],
        limits: Limits?,
        readFile: (String) -> [UInt8]?
    ) throws(SecretInputError) -> [String: String] {
        var raw: [String: [UInt8]] = [:]
        for argument in arguments {
            var stripped = Substring(argument)
            while stripped.hasSuffix("=") { stripped = stripped.dropLast() }
            guard let equals = stripped.firstIndex(of: "="), equals != stripped.startIndex else {
                throw SecretInputError("key value \(quoted(argument)) not valid")
            }
            var key = String(argument[..<equals])
            let value = String(argument[argument.index(after: equals)...])
            guard key.hasSuffix("#file") else {
                raw[key] = Array(value.utf8)
                continue
            }
            key.removeLast(5)
            guard let bytes = readFile(value) else {
                throw SecretInputError(
                    "reading content for secret key \(quoted(key)): open \(value): no such file or directory"
                )
            }
            if let limits, bytes.count > limits.value {
                throw SecretInputError("secret content in file \(quoted(value)) too large: \(bytes.count) bytes")
            }
            raw[key] = bytes
        }
        return try encode(raw, limits: limits)
    }

    /// Reads a `--file` (JSON or YAML map of strings) into base64-encoded values.
    static func parseFile(
        _ path: String,
        limits: Limits?,
        readFile: (String) -> [UInt8]?
    ) throws(SecretInputError) -> [String: String] {
        guard let bytes = readFile(path) else { throw SecretInputError("open \(path): no such file or directory") }
        if let limits, bytes.count > limits.total {
            throw SecretInputError("secret content in file \(quoted(path)) too large: \(bytes.count) bytes")
        }
        let parsed: JSONValueMap
        do {
            parsed = try JSONValueMap(yaml: String(decoding: bytes, as: UTF8.self), source: path)
        } catch {
            throw SecretInputError("\(error)")
        }
        return try encode(parsed.values.mapValues { Array($0.utf8) }, limits: limits)
    }

    private static func encode(_ raw: [String: [UInt8]], limits: Limits?) throws(SecretInputError) -> [String: String] {
        var result: [String: String] = [:]
        var total = 0
        for key in raw.keys.sorted() {
            let value = raw[key] ?? []
            if let limits, value.count > limits.value {
                throw SecretInputError("secret content for key \(quoted(key)) too large: \(value.count) bytes")
            }
            total += value.count
            if key.hasSuffix("#base64") {
                let name = String(key.dropLast(7))
                guard isValidKey(name) else { throw SecretInputError("key \(quoted(name)) not valid") }
                result[name] = String(decoding: value, as: UTF8.self)
            } else {
                guard isValidKey(key) else { throw SecretInputError("key \(quoted(key)) not valid") }
                result[key] = GoBase64.encode(value)
            }
        }
        if let limits, total > limits.total { throw SecretInputError("secret content too large: \(total) bytes") }
        return result
    }

    /// Juju's key rule `^([a-z](?:-?[a-z0-9]){2,})$`: a lower-case letter, then two or more lower-case letters or
    /// digits, each possibly after one hyphen.
    static func isValidKey(_ key: String) -> Bool {
        let scalars = Array(key.unicodeScalars)
        guard let first = scalars.first, ("a"..."z").contains(first) else { return false }
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        var groups = 0
        var index = 1
        while index < scalars.count {
            if scalars[index] == "-" { index += 1 }
            guard index < scalars.count, alphanumeric(scalars[index]) else { return false }
            groups += 1
            index += 1
        }
        return groups >= 2
    }

    /// Decodes stored content for output; a value that is not valid base64 is Go's error.
    static func decode(_ content: [String: String]) throws(SecretInputError) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in content {
            result[key] = String(decoding: try GoBase64.decode(value), as: UTF8.self)
        }
        return result
    }

    /// Go's `%q` of a string.
    static func quoted(_ text: String) -> String {
        var output = ""
        GoJSON.writeString(text, to: &output)
        return output
    }
}

/// A YAML or JSON map whose values are read as strings (a `--file` of secret content).
struct JSONValueMap {
    /// The values, scalars printed as Go prints them.
    var values: [String: String]

    /// Parses `yaml`; a document that is not a map of scalars is an error.
    init(yaml: String, source: String) throws {
        let parsed = try YAMLReader.parse(yaml, source: source)
        guard parsed == .null || parsed.objectValue != nil else { throw SimError("\(source): expected a map") }
        var values: [String: String] = [:]
        for (key, value) in SettingsMap.strings(from: parsed.objectValue ?? [:]) {
            guard let value else { throw SimError("\(source): key \"\(key)\" has no value") }
            values[key] = value
        }
        self.values = values
    }
}

/// Go's `encoding/base64` `StdEncoding` (padded), with its error messages.
enum GoBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Encodes bytes (Foundation's encoder: the same alphabet and padding).
    static func encode(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    /// Decodes text (`\r` and `\n` ignored); errors as `illegal base64 data at input byte N`.
    static func decode(_ text: String) throws(SecretInputError) -> [UInt8] {
        let input = Array(text.utf8).filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            var value: UInt32 = 0
            var count = 0
            var padding = 0
            for position in 0..<4 {
                let at = index + position
                guard at < input.count else {
                    throw SecretInputError("illegal base64 data at input byte \(at)")
                }
                let byte = input[at]
                if byte == UInt8(ascii: "=") {
                    guard position >= 2 else { throw SecretInputError("illegal base64 data at input byte \(at)") }
                    padding += 1
                    continue
                }
                guard padding == 0, let digit = alphabet.firstIndex(of: byte) else {
                    throw SecretInputError("illegal base64 data at input byte \(at)")
                }
                value |= UInt32(digit) << UInt32(18 - 6 * position)
                count += 1
            }
            let produced = count - 1
            for offset in 0..<produced { output.append(UInt8(truncatingIfNeeded: value >> UInt32(16 - 8 * offset))) }
            index += 4
            if padding > 0 && index < input.count {
                throw SecretInputError("illegal base64 data at input byte \(index)")
            }
        }
        return output
    }
}

/// Times for secrets: RFC 3339 parsing and printing, Go durations, rotation intervals.
enum SecretTime {
    /// Seconds since the epoch of an RFC 3339 time (`2025-01-01T06:06:06Z`, `…+02:00`, fractions allowed) or of
    /// `2006-01-02T15:04:05` (UTC); nil if neither.
    static func parse(_ text: String) -> Double? {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for index in range {
                let digit = Int(scalars[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func character(_ index: Int) -> UInt8? { index < scalars.count ? scalars[index] : nil }
        guard let year = number(0..<4), character(4) == UInt8(ascii: "-"), let month = number(5..<7),
            character(7) == UInt8(ascii: "-"), let day = number(8..<10), character(10) == UInt8(ascii: "T"),
            let hour = number(11..<13), character(13) == UInt8(ascii: ":"), let minute = number(14..<16),
            character(16) == UInt8(ascii: ":"), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction = 0.0
        if character(index) == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while let next = character(index), (48...57).contains(next) {
                fraction += Double(Int(next) - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index == scalars.count {
            offset = 0
        } else if character(index) == UInt8(ascii: "Z") && index + 1 == scalars.count {
            offset = 0
        } else if let sign = character(index), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let hours = number(index + 1..<index + 3), character(index + 3) == UInt8(ascii: ":"),
            let minutes = number(index + 4..<index + 6), index + 6 == scalars.count
        {
            offset = (hours * 3600 + minutes * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Double(timegm(&parts) - offset) + fraction
    }

    /// Seconds of a Go duration (`24h`, `1h30m`, `90s`, `1.5h`, `300ms`); nil if not one.
    static func parseDuration(_ text: String) -> Double? {
        var scalars = Substring(text)
        var sign = 1.0
        if let first = scalars.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        if scalars == "0" { return 0 }
        guard !scalars.isEmpty else { return nil }
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
        ]
        var total = 0.0
        while !scalars.isEmpty {
            let numberText = scalars.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !numberText.isEmpty, let value = Double(numberText) else { return nil }
            scalars = scalars.dropFirst(numberText.count)
            guard let unit = units.first(where: { scalars.hasPrefix($0.0) }) else { return nil }
            scalars = scalars.dropFirst(unit.0.count)
            total += value * unit.1
        }
        return sign * total
    }

    /// RFC 3339 in UTC, whole seconds.
    static func format(_ seconds: Double) -> String { Clock.internetTime(Date(timeIntervalSince1970: seconds)) }

    /// Now, in seconds since the epoch.
    static func now() -> Double { Date().timeIntervalSince1970 }

    /// The rotation policies Juju accepts.
    static let rotatePolicies = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]

    /// When a secret with `policy` rotates next after `from` (nil for `never`), as Juju's `NextRotateTime`.
    static func nextRotation(_ policy: String, from: Double) -> Double? {
        var seconds = time_t(from.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return nil }
        switch policy {
        case "hourly": return from + 3600
        case "daily": parts.tm_mday += 1
        case "weekly": parts.tm_mday += 7
        case "monthly": parts.tm_mon += 1
        case "quarterly": parts.tm_mon += 3
        case "yearly": parts.tm_year += 1
        default: return nil
        }
        return Double(timegm(&parts))
    }

    /// `juju secrets`' "Last updated": `just now`, `N seconds ago`, `N minutes ago`, `N hours ago`, or the date.
    static func friendly(_ time: String, now: Double) -> String {
        guard let when = parse(time) else { return time }
        let since = now - when
        if since >= 24 * 3600 { return String(time.prefix(10)) }
        if since >= 3600 {
            let hours = Int(since / 3600)
            return "\(hours) \(hours == 1 ? "hour" : "hours") ago"
        }
        if since >= 60 {
            let minutes = Int(since / 60)
            return "\(minutes) \(minutes == 1 ? "minute" : "minutes") ago"
        }
        if since >= 2 { return "\(Int(since)) seconds ago" }
        return "just now"
    }
}
