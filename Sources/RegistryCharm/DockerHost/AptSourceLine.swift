import JujuKit

/// A one-line apt source (`deb [options] uri suite [components…]`), as `sources.list(5)` describes it.
struct AptSourceLine: Equatable {
    /// `deb` or `deb-src`.
    var type: String
    /// The `key=value` options between brackets, in order.
    var options: [String]
    /// The URI, suite and components.
    var rest: [String]

    /// Parses `line`; `nil` unless it starts with `deb` or `deb-src` and has a URI and a suite.
    init?(_ line: String) {
        var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)[...]
        guard let type = words.popFirst(), type == "deb" || type == "deb-src" else { return nil }
        self.type = type
        self.options = []
        if let first = words.first, first.hasPrefix("[") {
            var bracket = ""
            while let word = words.popFirst() {
                bracket += (bracket.isEmpty ? "" : " ") + word
                if word.hasSuffix("]") { break }
            }
            guard bracket.hasSuffix("]") else { return nil }
            options = bracket.dropFirst().dropLast().split(separator: " ").map(String.init)
        }
        rest = Array(words)
        guard rest.count >= 2 else { return nil }
    }

    /// Whether the line names its own keyring.
    var hasSignedBy: Bool { options.contains { $0.hasPrefix("signed-by=") } }

    /// The line with `signed-by=<keyring>` added, unless it has one already.
    func signed(by keyring: String) -> AptSourceLine {
        guard !hasSignedBy else { return self }
        var copy = self
        copy.options.append("signed-by=\(keyring)")
        return copy
    }

    /// The line as apt reads it.
    var text: String {
        ([type] + (options.isEmpty ? [] : ["[" + options.joined(separator: " ") + "]"]) + rest)
            .joined(separator: " ")
    }
}

/// The fields of `/etc/os-release` the installer needs.
struct OSRelease: Equatable {
    /// `ID`, such as `ubuntu`.
    var id: String
    /// `VERSION_CODENAME`, else `UBUNTU_CODENAME`, such as `noble`.
    var codename: String

    /// Parses `KEY=value` lines, with or without quotes.
    init(_ text: String) {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = line[line.index(after: equals)...].trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[line[..<equals].trimmingWhitespace()] = value
        }
        id = values["ID"] ?? "ubuntu"
        codename = values["VERSION_CODENAME"] ?? values["UBUNTU_CODENAME"] ?? ""
    }
}
