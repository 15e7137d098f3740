import JujuKit

/// Checks shared by the option readers.
extension CharmConfig {
    /// An enumeration option; an unknown value is a problem listing the accepted ones.
    static func oneOf<Value: RawRepresentable & CaseIterable>(
        _ reader: inout ConfigReader,
        _ option: String,
        fallback: Value,
        caseInsensitive: Bool = false
    ) -> Value where Value.RawValue == String {
        let text = reader.string(option).trimmingWhitespace
        if let value = Value(rawValue: caseInsensitive ? text.lowercased() : text) { return value }
        if !reader.hasProblem(option) {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            reader.report(option, "must be one of \(names)")
        }
        return fallback
    }

    /// A TCP port option.
    static func port(_ reader: inout ConfigReader, _ option: String) -> Int {
        let value = reader.int(option)
        guard (1...65535).contains(value) else {
            if !reader.hasProblem(option) { reader.report(option, "must be a port number from 1 to 65535") }
            return CharmOptions.spec(option)?.defaultValue.intValue ?? 0
        }
        return value
    }

    /// A URL option with an `http` or `https` scheme (or those in `schemes`); `nil` when unset or invalid.
    static func url(
        _ reader: inout ConfigReader,
        _ option: String,
        schemes: [String] = ["http", "https"],
        defaultScheme: String? = nil,
        allowCredentials: Bool = true,
        allowPath: Bool = true
    ) -> ParsedURL? {
        guard let text = reader.trimmed(option) else { return nil }
        let example = "such as https://host.example.com:5000"
        let parsed: ParsedURL
        do {
            parsed = try ParsedURL.parse(text, defaultScheme: defaultScheme)
        } catch {
            reader.report(option, "is not a valid url: \(error); set a url \(example)")
            return nil
        }
        guard schemes.contains(parsed.scheme) else {
            let allowed = schemes.map { $0 + "://" }.joined(separator: " or ")
            reader.report(option, "must start with \(allowed) (got \(parsed.scheme)://)")
            return nil
        }
        if !allowCredentials, parsed.user != nil {
            reader.report(option, "must not contain credentials (user@): remove them")
            return nil
        }
        if !allowPath, !parsed.path.isEmpty, parsed.path != "/" {
            reader.report(option, "must not have a path: set only the scheme, host and port \(example)")
            return nil
        }
        return parsed
    }

    /// A proxy URL option: `http`, `https`, `socks5` or `socks5h`; a bare `host:port` means `http://host:port`,
    /// as Go's proxy handling (the registry's and dockerd's) reads it.
    static func proxy(_ reader: inout ConfigReader, _ option: String) -> String? {
        let schemes = ["http", "https", "socks5", "socks5h"]
        guard url(&reader, option, schemes: schemes, defaultScheme: "http", allowPath: false) != nil else {
            return nil
        }
        return reader.trimmed(option)
    }

    /// An absolute, normalised path option: no `.` or `..` component, no `//`, no trailing `/`, no `:` or `,` (they
    /// would split a bind mount), no control characters, no white space at either end.
    static func absolutePath(_ reader: inout ConfigReader, _ option: String) -> String {
        let value = reader.string(option)
        let components = value.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard value.hasPrefix("/"), value.count > 1,
            !components.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }),
            !value.contains(":"), !value.contains(","),
            !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
            value == value.trimmingWhitespace
        else {
            if !reader.hasProblem(option) {
                reader.report(
                    option,
                    "must be an absolute, normalised path without ':' or ',' such as /etc/docker/registry/registry.crt"
                )
            }
            return CharmOptions.spec(option)?.defaultValue.stringValue ?? ""
        }
        return value
    }

    /// A base64 PEM option; `nil` when unset or invalid.
    static func pem(_ reader: inout ConfigReader, _ option: String, _ content: PEMContent) -> [UInt8]? {
        guard let text = reader.trimmed(option) else { return nil }
        do {
            return try PEMBlob.decode(text, expecting: content)
        } catch {
            reader.report(
                option,
                "must be base64 of a \(content.noun): \(error); set the output of `base64 -w0 <file>`"
            )
            return nil
        }
    }

    /// Reports `option` as required when `value` is empty: "is required when <because>: set it or <otherwise>".
    static func require(
        _ reader: inout ConfigReader,
        _ option: String,
        _ value: String?,
        because: String,
        otherwise: String
    ) {
        guard (value ?? "").isEmpty, !reader.hasProblem(option) else { return }
        reader.report(option, "is required when \(because): set it or \(otherwise)")
    }
}
