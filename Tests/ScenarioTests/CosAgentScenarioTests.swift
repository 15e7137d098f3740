import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// `cos-agent`: the unit databag's `config` on every path (relate, config change, upgrade, unrelate), and the metrics
/// listener it turns on.
@Suite("cos-agent: what the collector is told")
struct CosAgentScenarioTests {
    /// The `config` value of the unit databag, decoded.
    static func payload(_ scenario: Scenario, _ id: String) throws -> [String: Any] {
        let text = try #require(scenario.published(id)["config"])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `http.debug.addr` of the rendered config.yml, `nil` without a debug listener.
    static func debugAddress(_ scenario: Scenario) throws -> String? {
        let text = try #require(scenario.text(scenario.paths.configFile))
        let json = try #require(text.split(separator: "\n", maxSplits: 1).last)
        let config = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return ((config["http"] as? [String: Any])?["debug"] as? [String: Any])?["addr"] as? String
    }

    static func targets(_ payload: [String: Any]) -> [String] {
        let jobs = payload["metrics_scrape_jobs"] as? [[String: Any]] ?? []
        return jobs.flatMap {
            ($0["static_configs"] as? [[String: Any]] ?? []).flatMap { $0["targets"] as? [String] ?? [] }
        }
    }

    @Test("relating publishes every field the library requires and turns the metrics listener on, on loopback only")
    func relate() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        #expect(try Self.debugAddress(scenario) == nil)
        let id = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        let payload = try Self.payload(scenario, id)
        #expect(
            Set(payload.keys)
                == ["metrics_scrape_jobs", "metrics_alert_rules", "log_alert_rules", "dashboards", "log_slots"]
        )
        let job = try #require((payload["metrics_scrape_jobs"] as? [[String: Any]])?.first)
        #expect(job["job_name"] as? String == "docker-registry_registry")
        #expect(job["metrics_path"] as? String == "/metrics")
        #expect(Self.targets(payload) == ["127.0.0.1:5001"])
        #expect(payload["log_slots"] as? [String] == [])
        #expect(try Self.debugAddress(scenario) == "127.0.0.1:5001")
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)], "the loopback listener is not opened")
        #expect(scenario.status?.state == .active)

        let rules = try #require(payload["metrics_alert_rules"] as? [String: Any])
        let group = try #require((rules["groups"] as? [[String: Any]])?.first)
        let all = try #require(group["rules"] as? [[String: Any]])
        #expect(all.map { $0["alert"] as? String ?? "" }.contains("DockerRegistryDown"))
        for rule in all {
            let labels = rule["labels"] as? [String: String] ?? [:]
            #expect(labels["juju_application"] == "docker-registry" && labels["juju_model"] == "test")
            #expect(labels["severity"] != nil)
            #expect((rule["expr"] as? String ?? "").contains("juju_application=\"docker-registry\""))
            let annotations = rule["annotations"] as? [String: String] ?? [:]
            #expect(!(annotations["summary"] ?? "").isEmpty && !(annotations["description"] ?? "").isEmpty)
        }
        let logRules = try #require(payload["log_alert_rules"] as? [String: Any])
        let logGroup = (logRules["groups"] as? [[String: Any]])?.first
        let logAlerts = logGroup?["rules"] as? [[String: Any]] ?? []
        #expect(
            logAlerts.map { $0["alert"] as? String ?? "" } == [
                "DockerRegistryStorageDriverErrors", "DockerRegistryUpstreamErrors",
                "DockerRegistryCertificateExpiring", "DockerRegistryCertificateExpired",
                "DockerRegistryStorageNearlyFull",
            ]
        )
    }

    @Test("the dashboard is the template's JSON, xz-compressed and base64-encoded")
    func dashboard() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        let encoded = try #require((try Self.payload(scenario, id)["dashboards"] as? [String])?.first)
        let compressed = try #require(Data(base64Encoded: encoded))
        let template = Scenario.repository.appendingPathComponent("templates/docker-registry-dashboard.json")
        #expect(try XZ.decompress(compressed) == (try Data(contentsOf: template)))
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: template)) as? [String: Any]
        )
        #expect((dashboard["uid"] as? String)?.count == 40)
        #expect((dashboard["panels"] as? [Any])?.count ?? 0 >= 6)
    }

    @Test(
        "config changes republish (debug-port, prometheus-metrics); an unchanged upgrade writes nothing; unrelating turns metrics off"
    )
    func everyPath() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        await scenario.configure(["debug-port": 5101])
        #expect(Self.targets(try Self.payload(scenario, id)) == ["127.0.0.1:5101"])
        #expect(try Self.debugAddress(scenario) == "127.0.0.1:5101")

        // prometheus-metrics on: the operator's listener on every address, opened; the collector keeps its target.
        await scenario.configure(["prometheus-metrics": true])
        #expect(try Self.debugAddress(scenario) == ":5101")
        #expect(scenario.tools.model.openedPorts == [PortRange(5000), PortRange(5101)])
        await scenario.configure(["prometheus-metrics": false])

        scenario.resetRecording()
        await scenario.run(.unit(.upgradeCharm))
        #expect(!scenario.tools.calls.contains("relation-set"), "nothing changed: nothing written")

        await scenario.unrelate(id)
        #expect(try Self.debugAddress(scenario) == nil)
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
        #expect(scenario.status?.state == .active)

        // An idle update-status still makes one hook-tool call.
        let again = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        #expect(!scenario.published(again).isEmpty)
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
    }

    @Test("the registry's log is linked under /var/log for the collector; the link goes with the unit")
    func logLink() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let link = "/var/log/docker-registry/registry.log"
        let target = scenario.files.linkTarget(link)
        #expect(target?.hasSuffix("-json.log") == true, "\(String(describing: target))")
        await scenario.run(.unit(.stop))
        #expect(scenario.files.linkTarget(link) == nil)
    }
}
