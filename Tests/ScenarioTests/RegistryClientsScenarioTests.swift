import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

@Suite("docker-registry relation: what clients are told")
struct RegistryClientsScenarioTests {
    /// The databag decoded as JSON, as the interface's `JSONUnitDataView` reads it.
    static func decoded(_ bag: [String: String]) throws -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in bag where key.hasPrefix("registry_") || key.hasPrefix("basic_") || key == "tls_ca" {
            result[key] = try JSONSerialization.jsonObject(with: Data(value.utf8), options: [.fragmentsAllowed])
        }
        return result
    }

    @Test("every value is JSON: netloc, http url, null credentials and CA without auth or TLS")
    func plainRegistry() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let bag = scenario.published(id)
        #expect(bag["registry_netloc"] == "\"10.0.0.5:5000\"")
        #expect(bag["registry_url"] == "\"http://10.0.0.5:5000\"")
        #expect(bag["basic_user"] == "null")
        #expect(bag["basic_password"] == "null")
        #expect(bag["tls_ca"] == "null")
        let values = try Self.decoded(bag)
        #expect(values.count == 5)
        #expect(values["basic_user"] is NSNull)
    }

    @Test("basic auth and http-host reach every relation; the password is never logged")
    func authAndHost() async throws {
        let scenario = Scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "12345"])
        await scenario.deploy()
        let first = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let second = await scenario.relate("docker-registry", "docker", units: ["docker/3": [:]])
        for id in [first, second] {
            #expect(scenario.published(id)["basic_user"] == "\"admin\"")
            // JSON keeps a numeric-looking password a string.
            #expect(scenario.published(id)["basic_password"] == "\"12345\"")
        }
        await scenario.configure(["http-host": "https://registry.example.com:443"])
        for id in [first, second] {
            #expect(scenario.published(id)["registry_netloc"] == "\"registry.example.com:443\"")
        }
        #expect(!scenario.tools.model.logs.contains { $0.message.contains("12345") })
        #expect(scenario.tools.model.logs.contains { $0.message.contains("sent the registry's address") })
    }

    @Test("idempotent: a second relation-changed and an unrelated config change write no relation data")
    func noChatter() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        scenario.resetRecording()
        await scenario.run(
            .relation(endpoint: "docker-registry", kind: .changed),
            relationID: id,
            remoteUnit: "containerd/0"
        )
        await scenario.configure(["log-level": "debug"])
        #expect(!scenario.tools.calls.contains("relation-set"))
    }

    @Test("turning basic auth off tells clients null credentials")
    func authOff() async throws {
        let scenario = Scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "pw-1"])
        await scenario.deploy()
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        await scenario.configure(["auth-basic-password": ""])
        #expect(scenario.published(id)["basic_password"] == "null")
        #expect(scenario.published(id)["basic_user"] == "null")
    }
}
