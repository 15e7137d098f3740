import Foundation
import JujuKit
import Testing

@testable import JujuSim

@Suite("Secret URIs, ids, content and times (pure)")
struct SecretValuesTests {
    @Test("URIs: secret:<id>, secret://<uuid>/<id> and a bare id parse; Juju's errors for the rest")
    func uris() throws {
        let id = "d0n1qq3g7sqmbbcokbq0"
        #expect(try SecretURI.parse("secret:" + id) == SecretURI(sourceUUID: "", id: id))
        #expect(try SecretURI.parse(id).string == "secret:" + id)
        let uuid = "00000000-0000-4000-8000-000000000000"
        let full = try SecretURI.parse("secret://\(uuid)/\(id)")
        #expect(full.sourceUUID == uuid && full.string == "secret://\(uuid)/\(id)")
        let failures: [(String, String)] = [
            ("foo:\(id)", "secret URI scheme \"foo\" not valid"),
            ("secret:short", "secret URI \"secret:short\" not valid"),
            ("secret://not-a-uuid/\(id)", "host controller UUID \"not-a-uuid\" not valid"),
            ("secret:d0n1qq3g7sqmbbcokbq1", "secret URI \"secret:d0n1qq3g7sqmbbcokbq1\" not valid"),
        ]
        for (text, message) in failures {
            #expect(throws: SecretInputError(message)) { try SecretURI.parse(text) }
        }
    }

    @Test("ids: 12 bytes of base32hex make 20 characters whose last one holds a single bit")
    func ids() {
        let id = SecretID.make(time: 0x6720_0000, machine: 0xABCDEF, process: 0x1234, counter: 0x00_0001)
        #expect(id.count == 20 && SecretID.isValid(id))
        #expect(SecretID.encode(Array(repeating: 0xFF, count: 12)) == "vvvvvvvvvvvvvvvvvvvg")
        #expect(!SecretID.isValid("vvvvvvvvvvvvvvvvvvvv") && !SecretID.isValid("wvvvvvvvvvvvvvvvvvv0"))
    }

    @Test("content: keys as Juju's rule, #base64 kept, #file read, values base64-encoded, Go's base64 errors")
    func content() throws {
        for key in ["abc", "http-secret", "a1b", "a-b-c"] { #expect(SecretContent.isValidKey(key), "\(key)") }
        for key in ["ab", "Abc", "1ab", "a--b", "ab-", "a_b", ""] { #expect(!SecretContent.isValidKey(key), "\(key)") }
        let content = try SecretContent.parse(
            ["token=a=b", "blob#base64=aGk=", "cert#file=/c"],
            limits: nil,
            readFile: { $0 == "/c" ? Array("PEM".utf8) : nil }
        )
        #expect(content == ["token": "YT1i", "blob": "aGk=", "cert": "UEVN"])
        #expect(try SecretContent.decode(content) == ["token": "a=b", "blob": "hi", "cert": "PEM"])
        #expect(throws: SecretInputError("key value \"=x\" not valid")) {
            try SecretContent.parse(["=x"], limits: nil, readFile: { _ in nil })
        }
        #expect(throws: SecretInputError("illegal base64 data at input byte 2")) { try GoBase64.decode("aG!=") }
        #expect(GoBase64.encode(Array("hello".utf8)) == "aGVsbG8=")
        let limits = SecretContent.Limits.forVersion(major: 4)
        #expect(throws: SecretInputError("secret content for key \"big\" too large: 9000 bytes")) {
            try SecretContent.parse(
                ["big=" + String(repeating: "a", count: 9000)],
                limits: limits,
                readFile: { _ in nil }
            )
        }
        #expect(SecretContent.Limits.forVersion(major: 3) == nil)
    }

    @Test("times: RFC 3339 with or without zone, Go durations, rotation steps, 'Last updated'")
    func times() {
        #expect(SecretTime.parse("2025-01-01T06:06:06Z") == 1_735_711_566)
        #expect(SecretTime.parse("2025-01-01T06:06:06") == 1_735_711_566)
        #expect(SecretTime.parse("2025-01-01T08:06:06+02:00") == 1_735_711_566)
        #expect(SecretTime.parse("tomorrow") == nil)
        #expect(SecretTime.parseDuration("1h30m") == 5400)
        #expect(SecretTime.parseDuration("1.5h") == 5400)
        #expect(SecretTime.parseDuration("-24h") == -86400)
        #expect(SecretTime.parseDuration("300ms") == 0.3)
        #expect(SecretTime.parseDuration("soon") == nil)
        let start = 1_735_711_566.0
        #expect(SecretTime.nextRotation("hourly", from: start) == start + 3600)
        #expect(SecretTime.nextRotation("monthly", from: start).map(SecretTime.format) == "2025-02-01T06:06:06Z")
        #expect(SecretTime.nextRotation("never", from: start) == nil)
        #expect(SecretTime.friendly("2025-01-01T06:06:06Z", now: start + 1) == "just now")
        #expect(SecretTime.friendly("2025-01-01T06:06:06Z", now: start + 61) == "1 minute ago")
        #expect(SecretTime.friendly("2025-01-01T06:06:06Z", now: start + 7300) == "2 hours ago")
        #expect(SecretTime.friendly("2025-01-01T06:06:06Z", now: start + 90000) == "2025-01-01")
    }

    @Test("tables pad cells by two, align the revision right, and leave the last header cell unpadded")
    func table() {
        let text = TabTable.render(
            header: ["ID", "Name", "Rev", "Last updated"],
            rows: [["a", "-", "1", "just now"], ["bbb", "name", "12", "2 hours ago"]],
            rightAligned: [2]
        )
        #expect(text == "ID   Name  Rev  Last updated\na    -       1  just now     \nbbb  name   12  2 hours ago  \n")
    }

    @Test("struct field order and plain times in yaml; sorted Go maps elsewhere")
    func keyOrder() {
        let order = KeyOrder(timeFields: ["created"]) { $0.count == 1 ? ["revision", "owner", "created"] : nil }
        let value: JSONValue = .object([
            "b-id": .object([
                "created": "2025-01-01T00:00:00Z", "owner": "x", "revision": 1,
                "content": .object(["z": "1", "created": "2025-01-01T00:00:00Z"]),
            ]),
            "a-id": .object(["revision": 2]),
        ])
        #expect(
            YAMLv2Emitter.emit(value, order: order)
                == "a-id:\n  revision: 2\nb-id:\n  revision: 1\n  owner: x\n  created: 2025-01-01T00:00:00Z\n"
                + "  content:\n    created: \"2025-01-01T00:00:00Z\"\n    z: \"1\"\n"
        )
        #expect(
            GoJSON.encode(value, order: order)
                == #"{"a-id":{"revision":2},"b-id":{"revision":1,"owner":"x","created":"2025-01-01T00:00:00Z","#
                + #""content":{"created":"2025-01-01T00:00:00Z","z":"1"}}}"#
        )
    }
}
