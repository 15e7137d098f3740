import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// Addresses in relation data (a proxy's, a peer's) are IP addresses or DNS names, checked by one validator; a
/// refused one is left out (nothing is applied from it), no hook fails, and good data back restores the proxy.
@Suite("Addresses in relation data")
struct RelationAddressScenarioTests {
    /// A DNS name of `length` characters (see ``HostNames/name(length:)``).
    static func name(length: Int) -> String { HostNames.name(length: length) }

    static let refused = [
        "evil:x", "a..b", "-a.b", name(length: 254), String(repeating: "b", count: 64) + ".example",
        "10.0.0.5\nservices: []", "[fd00::5]", "fd00::5%eth0",
    ]

    @Test(
        "a refused proxy address: hook exits 0, not proxied, daemon.json and clients never see it",
        arguments: refused
    )
    func refusedProxy(_ address: String) async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let clients = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": address]])
        let outcome = await scenario.changeRemote(id, unit: "haproxy/0", ["private-address": address])
        #expect(outcome.exitCode == 0, "\(outcome.failure ?? "")")
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.published(clients)["registry_netloc"] == "\"10.0.0.5:5000\"")
        let daemon = try #require(scenario.text("/etc/docker/daemon.json"))
        #expect(!daemon.contains(address.prefix(20)))
        #expect(scenario.tools.model.logs.contains { $0.message.contains("refused ingress-address from haproxy/0") })
        // The finding the status shows is kept in the unit state, so an idle update-status still has it.
        #expect(
            Self.keptFinding(scenario)?.contains("Invalid relation data: haproxy/0 on \(id) sets ingress-address")
                == true
        )

        // Good data back: proxied again.
        let back = await scenario.changeRemote(id, unit: "haproxy/0", ["ingress-address": "10.0.2.1"])
        #expect(back.exitCode == 0)
        #expect(scenario.status == .active("Ready at 10.0.2.1:5000 (http, proxied)."))
        #expect(scenario.published(clients)["registry_netloc"] == "\"10.0.2.1:5000\"")
        #expect(Self.keptFinding(scenario) == nil)
    }

    /// The refused-data message the unit state keeps, if any.
    static func keptFinding(_ scenario: Scenario) -> String? {
        let state = scenario.tools.model.state[UnitState.stateKey] ?? ""
        guard let data = state.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let values = object["values"] as? [String: Any] ?? object
        let kept = values["relations.refused"] as? [String: String]
        return kept?.values.first
    }

    @Test("an IPv6 proxy address is bracketed in the netloc, the status and daemon.json")
    func ipv6Proxy() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": "fd00::5"]])
        #expect(scenario.status == .active("Ready at [fd00::5]:5000 (http, proxied)."))
        #expect(scenario.text("/etc/docker/daemon.json")?.contains("\"[fd00::5]:5000\"") == true)
        let outcome = await scenario.changeRemote(id, unit: "haproxy/0", ["ingress-address": "::ffff:10.0.2.1"])
        #expect(outcome.exitCode == 0)
        #expect(scenario.status == .active("Ready at [::ffff:10.0.2.1]:5000 (http, proxied)."))
    }

    @Test("TLS on: the longest proxy name kept (249) fits certs.d/<name>:<port>; a valid 253 is refused")
    func longestProxyNameWithTLS() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario(config: certificates.blobs(withCA: true))
        await scenario.deploy()
        let longest = Self.name(length: 249)
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": longest]])
        #expect(scenario.status == .active("Ready at \(longest):5000 (https, proxied)."))
        #expect(scenario.files.exists("/etc/docker/certs.d/\(longest):5000/ca.crt"))
        // A valid 253-character name would make a 259-byte directory name: refused, the hook exits 0.
        let outcome = await scenario.changeRemote(id, unit: "haproxy/0", ["ingress-address": Self.name(length: 253)])
        #expect(outcome.exitCode == 0, "\(outcome.failure ?? "")")
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        for path in scenario.files.files.keys {
            #expect(path.split(separator: "/").allSatisfy { $0.utf8.count <= 255 }, "\(path)")
        }
    }

    @Test("a peer with a refused address is left out of the haproxy stanza")
    func refusedPeer() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.join("peer:0", unit: "docker-registry/1", data: ["ingress-address": "evil:x"])
        await scenario.join("peer:0", unit: "docker-registry/2", data: ["ingress-address": "a..b"])
        await scenario.join("peer:0", unit: "docker-registry/3", data: ["ingress-address": "10.0.1.3"])
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": "10.0.2.1"]])
        let services = try #require(scenario.published(id)["services"])
        #expect(!services.contains("evil"))
        #expect(!services.contains("a..b"))
        #expect(services.contains("10.0.1.3"))
        #expect(
            scenario.tools.model.logs.contains { $0.message.contains("refused ingress-address from docker-registry/1") }
        )
        let outcome = await scenario.changeRemote("peer:0", unit: "docker-registry/1", ["ingress-address": "10.0.1.1"])
        #expect(outcome.exitCode == 0)
        #expect(scenario.published(id)["services"]?.contains("10.0.1.1") == true)
    }
}
