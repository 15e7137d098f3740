/// A text file with named placeholders (`{{name}}`), such as the nrpe check or the haproxy stanza the charm
/// renders for other programs.
///
/// Rendering is strict: every placeholder must be given and every value used, so a template and its caller cannot
/// drift apart silently. Values are inserted as they are: callers serialise structured values (JSON is YAML) or
/// check plain ones before they get here.
public struct Template: Sendable, Equatable {
    /// The template's name, for errors (its file name).
    public let name: String
    /// The template's text.
    public let text: String

    /// Creates a template from its text.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// Reads `templates/<name>` from the charm directory.
    public static func load(_ name: String, charmDirectory: String, files: any FileSystem) throws(TemplateError)
        -> Template
    {
        let path = Path.join(Path.join(charmDirectory, "templates"), name)
        let text: String?
        do { text = try files.readText(path) } catch { throw .unreadable(path: path, reason: error.description) }
        guard let text else { throw .missing(path: path) }
        return Template(name: name, text: text)
    }

    /// The placeholder names, in order of first appearance.
    public var placeholders: [String] {
        var names: [String] = []
        for piece in pieces() {
            if case .placeholder(let name) = piece, !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The text with every placeholder replaced by its value.
    public func render(_ values: [String: String]) throws(TemplateError) -> String {
        let wanted = Set(placeholders)
        if let missing = wanted.subtracting(values.keys).sorted().first {
            throw .missingValue(template: name, placeholder: missing)
        }
        if let unused = Set(values.keys).subtracting(wanted).sorted().first {
            throw .unusedValue(template: name, placeholder: unused)
        }
        var output = ""
        for piece in pieces() {
            switch piece {
            case .text(let text): output += text
            case .placeholder(let name): output += values[name] ?? ""
            }
        }
        return output
    }

    private enum Piece {
        case text(Substring)
        case placeholder(String)
    }

    private func pieces() -> [Piece] {
        var result: [Piece] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "{{") {
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else { break }
            let name = rest[open.upperBound..<close.lowerBound]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                result.append(.text(rest[..<open.upperBound]))
                rest = rest[open.upperBound...]
                continue
            }
            result.append(.text(rest[..<open.lowerBound]))
            result.append(.placeholder(String(name)))
            rest = rest[close.upperBound...]
        }
        result.append(.text(rest))
        return result
    }
}

/// Why a template could not be rendered.
public enum TemplateError: Error, Equatable, CustomStringConvertible {
    /// The template file is not in the charm.
    case missing(path: String)
    /// The template file could not be read.
    case unreadable(path: String, reason: String)
    /// A placeholder has no value.
    case missingValue(template: String, placeholder: String)
    /// A value has no placeholder.
    case unusedValue(template: String, placeholder: String)

    /// A lower-case message naming the template.
    public var description: String {
        switch self {
        case .missing(let path): return "template \(path) is missing from the charm"
        case .unreadable(let path, let reason): return "template \(path) cannot be read: \(reason)"
        case .missingValue(let template, let placeholder):
            return "template \(template) needs a value for {{\(placeholder)}}"
        case .unusedValue(let template, let placeholder):
            return "template \(template) has no placeholder {{\(placeholder)}}"
        }
    }
}
