import Foundation
import JujuKit
import RegistryCharm
import RegistryCharmTesting
import Testing

/// `rendered()` is compared byte for byte with `Fixtures/<scenario>.yml`.
@Suite("Render golden files")
struct RenderGoldenTests {
    @Test(arguments: RenderScenarios.all)
    func renderedMatchesGoldenFile(scenario: RenderScenario) throws {
        #expect(scenario.config.problems == [])
        let actual = scenario.rendered
        let expected = try RenderGolden.expected(scenario.name, actual: actual)
        #expect(actual == expected, "run with UPDATE_GOLDEN=1 to accept the new output")
    }

    @Test(.disabled(if: RenderGolden.updating, "fixtures are being rewritten"))
    func everyFixtureBelongsToAScenario() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: RenderGolden.directory.path)
            .filter { $0.hasSuffix(".yml") }.map { String($0.dropLast(4)) }
        #expect(Set(names) == Set(RenderScenarios.all.map(\.name)))
    }

    @Test func renderedStartsWithTheHeaderAndHasNoEscapedSlashes() {
        for scenario in RenderScenarios.all {
            let text = scenario.rendered
            #expect(text.hasPrefix(RegistryConfig.header + "\n{\n"))
            #expect(text.hasSuffix("}\n"))
            #expect(!text.contains("\\/"))
        }
    }

    @Test func yamlLineBreakCharactersAreEscaped() {
        let text = RenderScenarios.all.first { $0.name == "yaml-metacharacters" }?.rendered ?? ""
        #expect(text.contains(#"\u0085\u2028\u007F\t"#))
        #expect(!text.unicodeScalars.contains { [0x85, 0x2028, 0x7F].contains($0.value) })
        #expect(YAMLSafeJSON.escape("a\u{FEFF}b") == #"a\uFEFFb"#)
    }

    @Test func basicAuthWaitsForItsFile() {
        let config = CharmConfig(options: ["auth-basic-password": "pw"])
        let without = RegistryConfig(config: config, inputs: RenderInputs(applicationName: "app"))
        #expect(without.auth == nil)
        let with = RegistryConfig(
            config: config,
            inputs: RenderInputs(applicationName: "app", htpasswdPath: "/etc/docker/registry/htpasswd")
        )
        #expect(with.auth == .htpasswd(.init(realm: "app", path: "/etc/docker/registry/htpasswd")))
    }

    @Test func debugListenerOnlyWithMetrics() {
        let off = RegistryConfig(config: CharmConfig(options: [:]), inputs: RenderInputs(applicationName: "app"))
        #expect(off.http.debug == nil)
        let on = RegistryConfig(
            config: CharmConfig(options: ["prometheus-metrics": true]),
            inputs: RenderInputs(applicationName: "app")
        )
        #expect(on.http.debug == .init(addr: ":5001"))
        #expect(on.http.addr == ":5000")
    }
}
