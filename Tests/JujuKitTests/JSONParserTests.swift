import Foundation
import JujuKit
import Testing

@Suite("JSON parser (no Codable)")
struct JSONParserTests {
    @Test("scalars, arrays and objects parse to the JSONValue JSONDecoder gives")
    func matchesJSONDecoder() throws {
        let samples = [
            #"{"a": 1, "b": [true, false, null], "c": {"d": "e"}, "f": -2.5, "h": ""}"#,
            #"[0, -0, 12345678901234, 3.25, "x"]"#,
            #""plain""#,
            "  null \n",
            #"{"nested": [[[]], {}], "big": 123456789012345678901234567890}"#,
        ]
        for sample in samples {
            let parsed = try JSONValue(parsing: sample)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(sample.utf8))
            #expect(parsed == decoded, "\(sample)")
        }
    }

    @Test("integers stay exact; fractions and exponents are doubles")
    func numbers() throws {
        #expect(try JSONValue(parsing: "9007199254740993") == .int(9_007_199_254_740_993))
        #expect(try JSONValue(parsing: "-7") == .int(-7))
        #expect(try JSONValue(parsing: "1.5") == .double(1.5))
        #expect(try JSONValue(parsing: "2E-2") == .double(0.02))
    }

    @Test("escapes: the short ones, \\u with surrogate pairs, an escaped slash")
    func escapes() throws {
        let text = #""a\"b\\c\/d\n\t\r\b\f \u00e9 \ud83d\ude00 \u0000""#
        #expect(try JSONValue(parsing: text) == .string("a\"b\\c/d\n\t\r\u{8}\u{C} é 😀 \u{0}"))
        #expect(try JSONValue(parsing: #""é raw utf-8""#) == .string("é raw utf-8"))
    }

    @Test(
        "malformed text is refused with the byte where reading stopped",
        arguments: [
            "", "{", "[1,]", "{\"a\" 1}", "{\"a\":1,}", "tru", "01", "1.", "-", "\"unterminated", "\"\\x\"",
            "\"\\ud800\"", "\"\\udc00\"", "[1] [2]", "{a: 1}", "\"tab\there\"", "nul", "1e",
        ]
    )
    func malformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
    }

    @Test("invalid UTF-8 in a string is refused")
    func invalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
    }

    @Test("a duplicated key keeps the last value")
    func duplicateKey() throws {
        #expect(try JSONValue(parsing: #"{"a": 1, "a": 2}"#) == .object(["a": .int(2)]))
    }

    @Test("nesting deeper than 512 levels is refused instead of overflowing the stack")
    func depth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValue(parsing: fine)) != nil)
    }

    @Test("the unit state reads back what it encodes, and a member of the wrong type makes it fresh")
    func unitStateRoundTrip() {
        let state = UnitState(
            flags: ["a", "b.c"],
            configDigests: ["port": "abc"],
            values: ["n": .int(3), "list": .array([.string("x"), .null]), "o": .object(["k": .bool(true)])],
            status: .active("Ready at 10.0.0.5:5000 (http).")
        )
        #expect(UnitState(stateGet: [UnitState.stateKey: state.encoded()]) == state)
        #expect(UnitState(stateGet: [UnitState.stateKey: #"{"flags": "not-a-list"}"#]) == UnitState())
        #expect(UnitState(stateGet: [UnitState.stateKey: #"{"flags": ["x"]}"#]).flags == ["x"])
    }
}
