import JujuKit
import Testing

@Suite("JSON fields (typed optional members)")
struct JSONFieldsTests {
    @Test("absent and null members are nil; members of the asked type are read")
    func reads() throws {
        let fields = try JSONFields(
            parsing: #"{"s":"x","i":3,"d":4.0,"l":["a","b"],"o":{"k":"v"},"a":[{"n":1},{}],"z":null}"#
        )
        #expect(try fields.string("s") == "x")
        #expect(try fields.int("i") == 3)
        #expect(try fields.int("d") == 4)
        #expect(try fields.strings("l") == ["a", "b"])
        #expect(try fields.fields("o")?.string("k") == "v")
        #expect(try fields.fieldsArray("a")?.count == 2)
        #expect(try fields.string("z") == nil)
        #expect(try fields.string("missing") == nil)
        #expect(try fields.fieldsArray("z") == nil)
    }

    @Test("a member of another type is an error naming it")
    func mismatches() throws {
        let fields = try JSONFields(parsing: #"{"s":1,"i":1.5,"l":["a",2],"o":[],"a":[{},3]}"#)
        #expect(throws: JSONFieldError(name: "s", expected: "a string")) { try fields.string("s") }
        #expect(throws: JSONFieldError(name: "i", expected: "an integer")) { try fields.int("i") }
        #expect(throws: JSONFieldError(name: "l", expected: "an array of strings")) { try fields.strings("l") }
        #expect(throws: JSONFieldError(name: "o", expected: "an object")) { try fields.fields("o") }
        #expect(throws: JSONFieldError(name: "a", expected: "an array of objects")) { try fields.fieldsArray("a") }
        #expect(JSONFieldError(name: "s", expected: "a string").description == "json member s is not a string")
    }

    @Test("only an object is fields")
    func objectsOnly() {
        #expect(throws: JSONParseError.self) { try JSONFields(parsing: "[1]") }
        #expect(throws: JSONParseError.self) { try JSONFields(parsing: "{") }
        #expect(JSONFields(.string("x")) == nil)
    }

    @Test("typed objects and string arrays: every member must read")
    func typedValues() throws {
        let value = try JSONValue(parsing: #"{"a":{"x":"1"},"b":{"y":"2"}}"#)
        #expect(value.objectValue { $0.objectValue(\.stringValue) } == ["a": ["x": "1"], "b": ["y": "2"]])
        let mixed = try JSONValue(parsing: #"{"a":{"x":"1"},"b":{"y":2}}"#)
        #expect(mixed.objectValue { $0.objectValue(\.stringValue) } == nil)
        #expect(JSONValue.array(["a", "b"]).stringsValue == ["a", "b"])
        #expect(JSONValue.array(["a", 1]).stringsValue == nil)
        #expect(JSONValue.string("a").stringsValue == nil)
    }
}
