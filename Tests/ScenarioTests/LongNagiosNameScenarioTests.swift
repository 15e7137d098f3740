import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// A Nagios name from the nrpe unit becomes part of the exported service file names
/// (`service__<host>_<command>.cfg`): one too long for a file name is refused (the charm's own name is used) and
/// no hook fails.
@Suite("Long Nagios names")
struct LongNagiosNameScenarioTests {
    static let export = "/var/lib/nagios/export"

    /// A scenario with TLS on, related to nrpe with `data`.
    static func related(_ data: [String: String]) async throws -> (Scenario, String) {
        let certificates = try TestCertificates.make()
        let scenario = Scenario(config: certificates.blobs(withCA: true))
        await scenario.deploy()
        let id = await scenario.relate("nrpe-external-master", "nrpe", units: ["nrpe/0": data])
        return (scenario, id)
    }

    static func expectFileNamesFit(_ scenario: Scenario) {
        for path in scenario.files.files.keys {
            #expect(path.split(separator: "/").allSatisfy { $0.utf8.count <= 255 }, "\(path)")
        }
    }

    @Test(
        "a 240-character nagios_hostname or nagios_host_context is refused; the default host name is used",
        arguments: ["nagios_hostname", "nagios_host_context"]
    )
    func refused(_ key: String) async throws {
        let (scenario, id) = try await Self.related([key: String(repeating: "h", count: 240)])
        let outcome = await scenario.changeRemote(id, unit: "nrpe/0", ["another": "change"])
        #expect(outcome.exitCode == 0, "\(outcome.failure ?? "")")
        #expect(scenario.files.exists("\(Self.export)/service__juju-docker-registry-0_check_docker_registry.cfg"))
        #expect(scenario.tools.model.logs.contains { $0.message.contains("refused \(key) from nrpe/0") })
        #expect(scenario.status?.state == .active)
        Self.expectFileNamesFit(scenario)

        // Good data back: the nrpe unit's name is used.
        var good: [String: String?] = [key: nil]
        good["nagios_hostname"] = "reg-host"
        let back = await scenario.changeRemote(id, unit: "nrpe/0", good)
        #expect(back.exitCode == 0)
        #expect(scenario.files.exists("\(Self.export)/service__reg-host_check_docker_registry.cfg"))
        #expect(!scenario.files.exists("\(Self.export)/service__juju-docker-registry-0_check_docker_registry.cfg"))
    }

    @Test("the longest usable names: nagios_hostname of 220 characters, a context that makes 220 with the unit")
    func longest() async throws {
        let host = String(repeating: "h", count: 220)
        let (scenario, id) = try await Self.related(["nagios_hostname": host])
        #expect(scenario.files.exists("\(Self.export)/service__\(host)_check_docker_registry.cfg"))
        Self.expectFileNamesFit(scenario)
        let context = String(repeating: "c", count: 220 - "-docker-registry-0".count)
        let outcome = await scenario.changeRemote(
            id,
            unit: "nrpe/0",
            ["nagios_hostname": nil, "nagios_host_context": context]
        )
        #expect(outcome.exitCode == 0)
        #expect(scenario.files.exists("\(Self.export)/service__\(context)-docker-registry-0_check_docker_registry.cfg"))
        Self.expectFileNamesFit(scenario)
    }
}
