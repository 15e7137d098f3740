import Foundation
import JujuKit
import Testing

@testable import JujuSim

@Suite("Output formatters and the flag parser (pure)")
struct FormatterTests {
    @Test("timestamps: what Foundation's ISO 8601 and juju-run date formatters print, to the second, in UTC")
    func timestamps() {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        let juju = DateFormatter()
        juju.locale = Locale(identifier: "en_US_POSIX")
        juju.timeZone = TimeZone(identifier: "UTC")
        juju.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let seconds: [Double] = [
            0, 0.999, 951_782_400.5, 1_700_000_000, 1_798_761_599.75, 4_102_444_800, Date().timeIntervalSince1970,
        ]
        for value in seconds {
            let date = Date(timeIntervalSince1970: value)
            #expect(Clock.internetTime(date) == iso.string(from: date), "\(value)")
            #expect(Clock.jujuTime(date) == juju.string(from: date) + " +0000 UTC", "\(value)")
        }
        #expect(Clock.internetTime(Date(timeIntervalSince1970: 951_782_400.5)) == "2000-02-29T00:00:00Z")
        #expect(Clock.jujuTime(Date(timeIntervalSince1970: 1_798_761_599.75)) == "2026-12-31 23:59:59 +0000 UTC")
    }

    @Test("smart: nil and empty string print nothing, bools print True/False, string lists one per line")
    func smart() {
        #expect(OutputFormat.smart.render(nil) == "")
        #expect(OutputFormat.smart.render(.null) == "")
        #expect(OutputFormat.smart.render(.string("")) == "")
        #expect(OutputFormat.smart.render(.bool(true)) == "True\n")
        #expect(OutputFormat.smart.render(.array([])) == "")
        #expect(OutputFormat.smart.render(.array(["a", "b"])) == "a\nb\n")
        #expect(OutputFormat.smart.render(.object([:])) == "{}\n")
        #expect(OutputFormat.smart.render(.int(42)) == "42\n")
    }

    @Test("json: null, sorted keys, Go escaping of <>&, floats like encoding/json")
    func json() {
        #expect(OutputFormat.json.render(nil) == "null\n")
        #expect(
            OutputFormat.json.render(.object(["b": 1, "a": "<&>"])) == "{\"a\":\"\\u003c\\u0026\\u003e\",\"b\":1}\n"
        )
        #expect(GoJSON.encode(.double(1.0)) == "1")
        #expect(GoJSON.encode(.double(0.5)) == "0.5")
        #expect(GoJSON.encode(.double(1e21)) == "1e+21")
        #expect(GoJSON.encode(.string("a\nb\u{1}")) == "\"a\\nb\\u0001\"")
    }

    @Test("yaml.v2 quoting: numbers, bools, nulls and timestamps quoted; indicators single-quoted")
    func yamlQuoting() {
        #expect(YAMLv2Emitter.scalar("12345") == "\"12345\"")
        #expect(YAMLv2Emitter.scalar("true") == "\"true\"")
        #expect(YAMLv2Emitter.scalar("yes") == "\"yes\"")
        #expect(YAMLv2Emitter.scalar("") == "\"\"")
        #expect(YAMLv2Emitter.scalar("~") == "\"~\"")
        #expect(YAMLv2Emitter.scalar("1.5") == "\"1.5\"")
        #expect(YAMLv2Emitter.scalar("2024-01-02") == "\"2024-01-02\"")
        #expect(YAMLv2Emitter.scalar("plain text") == "plain text")
        #expect(YAMLv2Emitter.scalar("a: b") == "'a: b'")
        #expect(YAMLv2Emitter.scalar("- x") == "'- x'")
        #expect(YAMLv2Emitter.scalar("*star") == "'*star'")
        #expect(YAMLv2Emitter.scalar("http://x:80/") == "http://x:80/")
    }

    @Test("yaml.v2 layout: nested maps indent two spaces, sequences are not indented, empty collections inline")
    func yamlLayout() {
        let value: JSONValue = .object([
            "b": .object(["x": 1, "y": .array(["p", "q"])]), "a": .array([.object(["k": "v", "j": true])]),
            "e": .object([:]), "n": .null, "f": .double(0.25), "m": "line1\nline2",
        ])
        #expect(
            YAMLv2Emitter.emit(value) == """
                a:
                - j: true
                  k: v
                b:
                  x: 1
                  "y":
                  - p
                  - q
                e: {}
                f: 0.25
                m: |-
                  line1
                  line2
                "n": null

                """
        )
        #expect(YAMLv2Emitter.emit(.double(1e6)) == "1e+06\n")
        #expect(OutputFormat.yaml.render(nil) == "")
    }

    @Test("flag parser: long and short forms, bundling, bool values, -- and errors")
    func flags() throws {
        let specs: [FlagSpec] = [.value("r", "relation"), .bool("app"), .bool("a", "all"), .value("format")]
        let parsed = try FlagParser.parse(
            ["x", "-r3", "--app=False", "--format", "json", "-a", "--", "-y"],
            specs: specs
        )
        #expect(parsed.value("relation") == "3")
        #expect(!parsed.flag("app"))
        #expect(parsed.flag("all"))
        #expect(parsed.value("format") == "json")
        #expect(parsed.positionals == ["x", "-y"])
        #expect(try FlagParser.parse(["-r=4"], specs: specs).value("relation") == "4")
        #expect(throws: ToolError.usage("flag provided but not defined: --bogus")) {
            try FlagParser.parse(["--bogus"], specs: specs)
        }
        #expect(throws: ToolError.usage("flag provided but not defined: -f")) {
            try FlagParser.parse(["-format"], specs: specs)
        }
        #expect(throws: ToolError.help) { try FlagParser.parse(["-h"], specs: specs) }
        #expect(throws: ToolError.self) { try FlagParser.parse(["--app=maybe"], specs: specs) }
    }
}
