import CYAML

/// One event of a YAML stream, as libyaml's parser (`yaml_parser_parse`) reports it.
public enum YAMLEvent: Equatable, Sendable {
    /// A document begins (explicitly with `---` or not).
    case documentStart
    /// A document ends.
    case documentEnd
    /// A scalar.
    case scalar(YAMLScalar)
    /// A sequence begins; `decorated` when it carries an anchor or an explicit tag, `flow` when written `[…]`.
    case sequenceStart(decorated: Bool, flow: Bool)
    /// A sequence ends.
    case sequenceEnd
    /// A mapping begins; `decorated` and `flow` (`{…}`) as for sequences.
    case mappingStart(decorated: Bool, flow: Bool)
    /// A mapping ends.
    case mappingEnd
    /// An alias (`*name`).
    case alias
}

/// A scalar's text and how it was written.
public struct YAMLScalar: Equatable, Sendable {
    /// How the scalar was written.
    public enum Style: Equatable, Sendable {
        /// Unquoted.
        case plain
        /// In single or double quotes.
        case quoted
        /// A `|` or `>` block scalar.
        case block
    }

    /// The value, after unquoting, unescaping and folding.
    public var value: String
    /// How it was written.
    public var style: Style
    /// Whether it carries an anchor (`&name`) or an explicit tag (`!!str`).
    public var decorated: Bool
    /// Where it is written: byte offsets into the UTF-8 of the text parsed, quotes included.
    public var source: Range<Int>

    /// Creates a scalar.
    public init(value: String, style: Style, decorated: Bool, source: Range<Int> = 0..<0) {
        self.value = value
        self.style = style
        self.decorated = decorated
        self.source = source
    }
}

/// libyaml refused the text.
public struct YAMLSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// libyaml's problem, such as `found unknown escape character`.
    public var problem: String
    /// What libyaml was doing, such as `while parsing a quoted scalar`, when it says.
    public var context: String?
    /// The line (1 = the first) where the problem was found.
    public var line: Int

    /// Creates an error.
    public init(problem: String, context: String?, line: Int) {
        self.problem = problem
        self.context = context
        self.line = line
    }

    /// `line 2: found unknown escape character while parsing a quoted scalar`.
    public var description: String {
        "line \(line): \(problem)" + (context.map { " \($0)" } ?? "")
    }
}

/// Reads YAML into events with the system's libyaml.
public enum YAMLEventReader {
    /// The events of `text`, without the stream's start and end.
    public static func events(_ text: String) throws(YAMLSyntaxError) -> [YAMLEvent] {
        let bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(problem: "libyaml cannot start a parser (out of memory)", context: nil, line: 0)
        }
        defer { yaml_parser_delete(&parser) }
        let outcome: Result<[YAMLEvent], YAMLSyntaxError> = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var events: [YAMLEvent] = []
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return .failure(Self.error(parser)) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return .success(events) }
                if let converted = Self.event(event) { events.append(converted) }
            }
        }
        return try outcome.get()
    }

    private static func event(_ event: yaml_event_t) -> YAMLEvent? {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT: return .documentStart
        case YAML_DOCUMENT_END_EVENT: return .documentEnd
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(
                decorated: start.anchor != nil || start.implicit == 0,
                flow: start.style == YAML_FLOW_SEQUENCE_STYLE
            )
        case YAML_SEQUENCE_END_EVENT: return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(
                decorated: start.anchor != nil || start.implicit == 0,
                flow: start.style == YAML_FLOW_MAPPING_STYLE
            )
        case YAML_MAPPING_END_EVENT: return .mappingEnd
        case YAML_ALIAS_EVENT: return .alias
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value =
                scalar.value.map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                } ?? ""
            let style: YAMLScalar.Style
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE, YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .quoted
            case YAML_LITERAL_SCALAR_STYLE, YAML_FOLDED_SCALAR_STYLE: style = .block
            default: style = .plain
            }
            let tagged = scalar.plain_implicit == 0 && scalar.quoted_implicit == 0
            let source = Int(event.start_mark.index)..<max(Int(event.start_mark.index), Int(event.end_mark.index))
            return .scalar(
                YAMLScalar(value: value, style: style, decorated: scalar.anchor != nil || tagged, source: source)
            )
        default: return nil
        }
    }

    private static func error(_ parser: yaml_parser_t) -> YAMLSyntaxError {
        YAMLSyntaxError(
            problem: parser.problem.map { String(cString: $0) } ?? "libyaml error \(parser.error.rawValue)",
            context: parser.context.map { String(cString: $0) },
            line: Int(parser.problem_mark.line) + 1
        )
    }
}
