import SystemLibraries
import Testing

/// libyaml's events as the charm reads them.
@Suite("YAML events")
struct YAMLEventTests {
    @Test("scalars keep their style and value; a list is a sequence; anchors and tags are marked")
    func events() throws {
        let events = try YAMLEventReader.events("- plain\n- 'quoted'\n- |\n  block\n- &a anchored\n- !!str tagged\n")
        #expect(
            events == [
                .documentStart, .sequenceStart(decorated: false, flow: false),
                .scalar(YAMLScalar(value: "plain", style: .plain, decorated: false, source: 2..<7)),
                .scalar(YAMLScalar(value: "quoted", style: .quoted, decorated: false, source: 10..<18)),
                .scalar(YAMLScalar(value: "block\n", style: .block, decorated: false, source: 21..<31)),
                .scalar(YAMLScalar(value: "anchored", style: .plain, decorated: true, source: 33..<44)),
                .scalar(YAMLScalar(value: "tagged", style: .plain, decorated: true, source: 47..<59)),
                .sequenceEnd, .documentEnd,
            ]
        )
    }

    @Test("an empty text has no document; a mapping is a mapping")
    func emptyAndMapping() throws {
        #expect(try YAMLEventReader.events("") == [])
        #expect(try YAMLEventReader.events("# only a comment\n") == [])
        let mapping = try YAMLEventReader.events("key: value")
        #expect(mapping.contains(.mappingStart(decorated: false, flow: false)))
        #expect(try YAMLEventReader.events("{a: b}").contains(.mappingStart(decorated: false, flow: true)))
    }

    @Test("bad text is refused with libyaml's problem, its context and the line")
    func syntaxErrors() {
        #expect(throws: YAMLSyntaxError.self) { try YAMLEventReader.events("[a, b") }
        do {
            _ = try YAMLEventReader.events("- a\n- \"b\\q\"\n")
            Issue.record("an unknown escape was accepted")
        } catch {
            #expect(error.problem.contains("unknown escape"))
            #expect(error.line == 2)
            #expect(error.description.hasPrefix("line 2: "))
        }
    }
}
