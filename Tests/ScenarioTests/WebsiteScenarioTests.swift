import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing
import Yams

@Suite("website relation: the haproxy stanza")
struct WebsiteScenarioTests {
    /// The one service in `services`, parsed as the haproxy charm parses it (yaml.safe_load).
    static func service(_ bag: [String: String]) throws -> [String: Any] {
        let parsed = try Yams.load(yaml: try #require(bag["services"])) as? [[String: Any]]
        let services = try #require(parsed)
        #expect(services.count == 1)
        return try #require(services.first)
    }

    /// Servers as `[name, address, port, options]`.
    static func servers(_ service: [String: Any]) throws -> [[String]] {
        let list = try #require(service["servers"] as? [[Any]])
        return list.map { $0.map { "\($0)" } }
    }

    /// A leader with peers `docker-registry/2` and `/10` (10.0.1.2 and 10.0.1.10).
    static func cluster() async -> Scenario {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.join("peer:0", unit: "docker-registry/10", data: ["ingress-address": "10.0.1.10"])
        await scenario.join("peer:0", unit: "docker-registry/2", data: ["ingress-address": "10.0.1.2"])
        return scenario
    }

    @Test("leader: every unit sorted by number (/10 after /2), the first primary, the rest backup; http mode")
    func stanza() async throws {
        let scenario = await Self.cluster()
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": "10.0.2.1"]])
        let bag = scenario.published(id)
        #expect(bag["port"] == "5000")
        #expect(bag["hostname"] == "10.0.0.5")
        let service = try Self.service(bag)
        #expect(service["service_name"] as? String == "docker-registry")
        #expect(service["service_port"] as? Int == 5000)
        #expect(service["service_host"] as? String == "0.0.0.0")
        #expect(
            service["service_options"] as? [String] == [
                "mode http", "balance leastconn", "option httpchk GET / HTTP/1.0",
            ]
        )
        let options = "check inter 2000 rise 2 fall 5 maxconn 4096"
        #expect(
            try Self.servers(service) == [
                ["docker-registry-0", "10.0.0.5", "5000", options],
                ["docker-registry-2", "10.0.1.2", "5000", options + " backup"],
                ["docker-registry-10", "10.0.1.10", "5000", options + " backup"],
            ]
        )
    }

    @Test("a departing unit leaves the list; a new one joins it")
    func membership() async throws {
        let scenario = await Self.cluster()
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": [:]])
        await scenario.depart("peer:0", unit: "docker-registry/2")
        #expect(
            try Self.servers(try Self.service(scenario.published(id))).map { $0[0] } == [
                "docker-registry-0", "docker-registry-10",
            ]
        )
        await scenario.join("peer:0", unit: "docker-registry/3", data: ["ingress-address": "10.0.1.3"])
        #expect(
            try Self.servers(try Self.service(scenario.published(id))).map { $0[0] } == [
                "docker-registry-0", "docker-registry-3", "docker-registry-10",
            ]
        )
    }

    @Test("https: TLS pass-through (mode tcp, TCP checks, no ssl on the servers)")
    func passThrough() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario(config: certificates.blobs(withCA: true))
        await scenario.deploy()
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": [:]])
        let service = try Self.service(scenario.published(id))
        #expect(service["service_options"] as? [String] == ["mode tcp", "balance leastconn"])
        #expect(try Self.servers(service).allSatisfy { !$0[3].contains("ssl") })
    }

    @Test("behind the proxy: clients and the status get the proxy's address with the registry port; SANs too")
    func proxiedNetloc() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let clients = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        await scenario.relate("website", "haproxy", units: ["haproxy/0": ["ingress-address": "10.0.2.1"]])
        #expect(scenario.published(clients)["registry_netloc"] == "\"10.0.2.1:5000\"")
        #expect(scenario.status == .active("Ready at 10.0.2.1:5000 (http, proxied)."))
        let tls = await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": [:]])
        let sans =
            try JSONSerialization.jsonObject(with: Data((scenario.published(tls)["sans"] ?? "").utf8)) as? [String]
        #expect(sans?.contains("10.0.2.1") == true)
    }

    @Test("followers publish nothing and scrub stale keys once; a proxy related later gets the stanza at once")
    func followersAndLateProxy() async throws {
        let follower = Scenario(leader: false)
        await follower.deploy()
        let id = await follower.relate("website", "haproxy", units: ["haproxy/0": [:]])
        follower.tools.update { $0.relations[id]?.localUnitData = ["all_services": "stale", "port": "5000"] }
        await follower.run(.unit(.configChanged))
        // The scrub was sent when the relation appeared; the stale keys written behind its back stay until the
        // published data changes, as Juju never sends a unit its own data back.
        #expect(follower.published(id)["services"] == nil)

        let leader = await Self.cluster()
        let first = await leader.relate("website", "haproxy", units: ["haproxy/0": [:]])
        leader.resetRecording()
        let second = await leader.relate("website", "haproxy-2", units: ["haproxy-2/0": [:]])
        #expect(leader.published(second)["services"] == leader.published(first)["services"])
        #expect(leader.published(second)["services"] != nil)
        let sets = leader.tools.calls.filter { $0 == "relation-set" }.count
        #expect(sets == 1)
    }

    @Test("idempotent: relation-changed twice writes nothing the second time")
    func idempotent() async throws {
        let scenario = await Self.cluster()
        let id = await scenario.relate("website", "haproxy", units: ["haproxy/0": [:]])
        scenario.resetRecording()
        await scenario.run(.relation(endpoint: "website", kind: .changed), relationID: id, remoteUnit: "haproxy/0")
        #expect(!scenario.tools.calls.contains("relation-set"))
        #expect(scenario.files.writes.isEmpty)
    }
}
