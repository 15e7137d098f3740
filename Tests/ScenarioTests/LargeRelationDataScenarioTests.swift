import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// A remote unit on a remembered endpoint (`website`, `nrpe-external-master`, `peer`) may set any number of keys of
/// any size: the charm reads and keeps only the keys it uses, each bounded, so the unit state (whose values Juju
/// caps at 64 KiB) never grows with them and no hook fails.
@Suite("Large remote databags")
struct LargeRelationDataScenarioTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var endpoint: String
        var remoteApp: String
        var shape: String
        var data: [String: String]
        var testDescription: String { "\(endpoint): \(shape)" }
    }

    static let megabyte = String(repeating: "x", count: 1_048_576)

    static let manyKeys = Dictionary(uniqueKeysWithValues: (0..<10_000).map { ("key-\($0)", "value number \($0)") })

    /// The key the charm uses on each endpoint.
    static let usedKey = [
        "website": "ingress-address", "peer": "ingress-address", "nrpe-external-master": "nagios_hostname",
    ]

    static let cases: [Case] = [
        ("website", "haproxy"), ("nrpe-external-master", "nrpe"), ("peer", "docker-registry"),
    ].flatMap { endpoint, app in
        [
            Case(endpoint: endpoint, remoteApp: app, shape: "10,000 keys", data: manyKeys),
            Case(endpoint: endpoint, remoteApp: app, shape: "a 1 MB value", data: ["blob": megabyte]),
            Case(
                endpoint: endpoint,
                remoteApp: app,
                shape: "a 1 MB value in a key the charm uses",
                data: [usedKey[endpoint] ?? "": megabyte]
            ),
        ]
    }

    /// Relates (or, for `peer`, joins) a unit with `data`, then runs the hooks that read it again.
    static func relate(_ scenario: Scenario, _ bad: Case) async -> [CharmDispatcher.Outcome] {
        let unit = bad.endpoint == "peer" ? "docker-registry/1" : "\(bad.remoteApp)/0"
        let id: String
        if bad.endpoint == "peer" {
            id = "peer:0"
            await scenario.join(id, unit: unit, data: bad.data)
        } else {
            id = await scenario.relate(bad.endpoint, bad.remoteApp, units: [unit: bad.data])
        }
        var outcomes: [CharmDispatcher.Outcome] = []
        outcomes.append(await scenario.changeRemote(id, unit: unit, ["another": "change"]))
        outcomes.append(await scenario.run(.unit(.configChanged)))
        outcomes.append(await scenario.run(.unit(.updateStatus)))
        return outcomes
    }

    @Test("hooks exit 0, the unit state stays under 64 KiB, only used keys are kept", arguments: cases)
    func largeData(_ bad: Case) async throws {
        let scenario = Scenario()
        await scenario.deploy()
        for outcome in await Self.relate(scenario, bad) {
            #expect(outcome.exitCode == 0, "\(outcome.failure ?? "")")
        }
        let state = scenario.tools.model.state
        for (key, value) in state {
            #expect(value.utf8.count < FakeHookTools.stateValueQuota, "\(key): \(value.utf8.count) bytes")
            #expect(!value.contains("key-1234"), "\(key) keeps keys the charm does not use")
            #expect(!value.contains("xxxxxxxxxxxxxxxx"), "\(key) keeps a 1 MB value")
        }
        #expect(scenario.status?.state == .active, "\(String(describing: scenario.status))")
        #expect(scenario.docker.containers.count == 1)
    }

    @Test("a proxy with 10,000 keys still proxies: its address is one of the keys kept")
    func proxyWithManyKeys() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        var data = Self.manyKeys
        data["ingress-address"] = "10.0.2.1"
        await scenario.relate("website", "haproxy", units: ["haproxy/0": data])
        #expect(scenario.status == .active("Ready at 10.0.2.1:5000 (http, proxied)."))
    }

    @Test("the fake unit state refuses a value over 64 KiB, as Juju does (so the tests above prove the limit)")
    func quotaIsEnforced() async throws {
        let tools = FakeHookTools(FakeHookTools.Model())
        await #expect(throws: HookToolError.self) {
            try await tools.stateSet(["big": String(repeating: "x", count: FakeHookTools.stateValueQuota + 1)])
        }
    }
}
