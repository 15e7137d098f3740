import SystemLibraries

/// Reads the apt layer's list options (`install_sources`, `install_keys`): a YAML list of scalars held in a string,
/// parsed by the system's libyaml.
///
/// Accepts what charm-helpers' `configure_sources` accepts from `yaml.safe_load`: "" or `null` (no items); one
/// scalar (one item); a flow list `[a, 'b', "c", null]`; a block list of `- item` lines whose items may be plain,
/// quoted, continued on more-indented lines, or `|`/`>` block scalars (for ASCII-armoured keys). Items that are
/// `null`, `~` or empty read as `nil`. Nested lists and mappings, anchors, aliases and tags are refused, as is more
/// than one document.
public enum YAMLScalarList {
    /// The items of `text`.
    public static func parse(_ text: String) throws(YAMLListError) -> [String?] {
        let events: [YAMLEvent]
        do {
            events = try YAMLEventReader.events(text)
        } catch {
            throw YAMLListError(error)
        }
        var items: [String?] = []
        var documents = 0
        var inList = false
        var listClosed = false
        for event in events {
            switch event {
            case .documentStart:
                documents += 1
                guard documents == 1 else { throw .unexpectedLine }
            case .documentEnd:
                break
            case .scalar(let scalar):
                guard !scalar.decorated else { throw .unsupportedScalar }
                guard !listClosed else { throw .unexpectedLine }
                let item = value(scalar)
                if inList {
                    items.append(item)
                } else if let item {
                    items = [item]
                }
            case .sequenceStart(let decorated, _):
                guard !decorated else { throw .unsupportedScalar }
                guard !inList, !listClosed else { throw .nestedCollection }
                inList = true
            case .sequenceEnd:
                inList = false
                listClosed = true
            case .mappingStart, .mappingEnd:
                throw .nestedCollection
            case .alias:
                throw .unsupportedScalar
            }
        }
        return items
    }

    /// The item a scalar stands for: `nil` for YAML's plain nulls (`null`, `Null`, `NULL`, `~` and nothing).
    private static func value(_ scalar: YAMLScalar) -> String? {
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.value) { return nil }
        return scalar.value
    }
}

/// Why a YAML list option could not be read.
public enum YAMLListError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `[` list has no closing `]`.
    case unterminatedFlowList
    /// A quoted item has no closing quote.
    case unterminatedQuote
    /// A `\` escape in a double-quoted item is unknown or incomplete.
    case invalidEscape
    /// An item is itself a list or a mapping.
    case nestedCollection
    /// A line is neither a `- item` nor a continuation of one (or a second document follows the first).
    case unexpectedLine
    /// An item carries a YAML anchor, alias or tag.
    case unsupportedScalar
    /// Other text libyaml refuses, in its words with the line.
    case malformed(String)

    /// The error for libyaml's refusal: the cases above where its problem is one of them.
    init(_ error: YAMLSyntaxError) {
        let context = error.context ?? ""
        if error.problem.contains("escape") {
            self = .invalidEscape
        } else if context.contains("quoted scalar") {
            self = .unterminatedQuote
        } else if context.contains("flow sequence") {
            self = .unterminatedFlowList
        } else if context.contains("block") || context.contains("simple key")
            || error.problem.contains("document start")
        {
            self = .unexpectedLine
        } else {
            self = .malformed(error.description)
        }
    }

    /// A lower-case reason.
    public var description: String {
        switch self {
        case .unterminatedFlowList: return "the '[' list has no closing ']'"
        case .unterminatedQuote: return "a quoted item has no closing quote"
        case .invalidEscape: return "a double-quoted item has an invalid '\\' escape"
        case .nestedCollection: return "items must be plain strings, not lists or mappings"
        case .unexpectedLine: return "every line must be a '- item' at the same indentation or continue one"
        case .unsupportedScalar: return "an item carries a yaml anchor, alias or tag; quote it"
        case .malformed(let reason): return "it is not valid yaml (\(reason))"
        }
    }
}
