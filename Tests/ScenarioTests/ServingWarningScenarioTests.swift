import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// What the charm knows beyond the registry's metrics (a certificate near or past its expiry, a nearly full store):
/// in the status, and as lines of `/var/log/docker-registry/charm.log` that the published log alert rules match.
@Suite("Serving warnings: status, health log and the rules that match it")
struct ServingWarningScenarioTests {
    static let healthLog = "/var/log/docker-registry/charm.log"

    /// The health log's lines, decoded.
    static func lines(_ scenario: Scenario) throws -> [[String: Any]] {
        let text = scenario.text(healthLog) ?? ""
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// The LogQL expression of the published log rule `alert`.
    static func logRule(_ scenario: Scenario, relation: String, _ alert: String) throws -> String {
        let payload = try CosAgentScenarioTests.payload(scenario, relation)
        let groups = try #require((payload["log_alert_rules"] as? [String: Any])?["groups"] as? [[String: Any]])
        let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        let rule = try #require(rules.first { $0["alert"] as? String == alert })
        return try #require(rule["expr"] as? String)
    }

    /// The line filter (the backquoted text after `|=`) of the published log rule `alert`.
    static func lineFilter(_ scenario: Scenario, relation: String, _ alert: String) throws -> String {
        let expression = try logRule(scenario, relation: relation, alert)
        let parts = expression.components(separatedBy: "`")
        try #require(parts.count == 3, "one backquoted line filter in \(expression)")
        return parts[1]
    }

    @Test("storage nearly full: one health-log line per hook that the published rule matches, none once space returns")
    func storageNearlyFull() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let relation = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        #expect(scenario.text(Self.healthLog) == nil, "nothing is written while all is well")
        scenario.diskSpace = { path in path == "/srv/registry" ? DiskSpace(free: 3 << 20, size: 1 << 30) : nil }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.message.contains("Storage nearly full: 3.0 MiB free of 1.0 GiB") == true)
        var lines = try Self.lines(scenario)
        #expect(lines.count == 1)
        #expect(lines.first?["check"] as? String == "storage-nearly-full")
        #expect(lines.first?["unit"] as? String == "docker-registry/0")
        #expect(lines.first?["free_bytes"] as? Int == 3 << 20)
        #expect(lines.first?["path"] as? String == "/srv/registry")
        let filter = try Self.lineFilter(scenario, relation: relation, "DockerRegistryStorageNearlyFull")
        let text = try #require(scenario.text(Self.healthLog))
        #expect(text.contains(filter), "the rule's filter \(filter) matches the line the charm writes")
        for other in ["DockerRegistryCertificateExpiring", "DockerRegistryCertificateExpired"] {
            let otherFilter = try Self.lineFilter(scenario, relation: relation, other)
            #expect(!text.contains(otherFilter), "\(other) does not fire on a full disk")
        }

        // An idle update-status still makes one tool call, and appends its line.
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        lines = try Self.lines(scenario)
        #expect(lines.count == 2)

        scenario.diskSpace = { _ in DiskSpace(free: 10 << 30, size: 20 << 30) }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(try Self.lines(scenario).count == 2, "no line once space returns")
    }

    @Test("a certificate within 14 days of expiry: said in the status and logged; expired: blocked, the registry kept")
    func certificateExpiry() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(certificates.blobs())
        #expect(scenario.status?.state == .active)
        #expect(scenario.status?.message.contains("Certificate expires") == false)
        let relation = await scenario.relate(
            "cos-agent",
            "opentelemetry-collector",
            units: ["opentelemetry-collector/0": [:]]
        )
        let container = scenario.docker.containers.first?.id

        // 355 days on: the certificate (valid for 365) has about 10 days left.
        scenario.now = Date().addingTimeInterval(355 * 86_400)
        await scenario.run(.unit(.updateStatus))
        let status = try #require(scenario.status)
        #expect(status.state == .active)
        #expect(status.message.contains("Certificate expires on "))
        #expect(status.message.contains("set a new tls-cert-blob and tls-key-blob"))
        let line = try #require(try Self.lines(scenario).last)
        #expect(line["check"] as? String == "certificate-expiring")
        #expect(line["level"] as? String == "warning")
        let expiring = try Self.lineFilter(scenario, relation: relation, "DockerRegistryCertificateExpiring")
        #expect(scenario.text(Self.healthLog)?.contains(expiring) == true)

        // Stable text: the next update-status is idle (one tool call).
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])

        // Past its expiry: never active; the registry is left as it was.
        scenario.now = Date().addingTimeInterval(370 * 86_400)
        await scenario.run(.unit(.updateStatus))
        let expired = try #require(scenario.status)
        #expect(expired.state == .blocked)
        #expect(expired.message.contains("expired"))
        #expect(scenario.docker.containers.first?.id == container)
        #expect(scenario.docker.containers.first?.running == true)
        let last = try #require(try Self.lines(scenario).last)
        #expect(last["check"] as? String == "certificate-expired")
        #expect(last["level"] as? String == "error")
        let expiredFilter = try Self.lineFilter(scenario, relation: relation, "DockerRegistryCertificateExpired")
        #expect(scenario.text(Self.healthLog)?.contains(expiredFilter) == true)
    }

    @Test("the health log starts afresh past 1 MiB")
    func healthLogLimit() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        try scenario.files.write(Self.healthLog, Array(repeating: 0x61, count: (1 << 20) + 1), mode: .publicReadable)
        scenario.diskSpace = { path in path == "/srv/registry" ? DiskSpace(free: 1 << 20, size: 1 << 30) : nil }
        await scenario.run(.unit(.updateStatus))
        let lines = try Self.lines(scenario)
        #expect(lines.count == 1)
        #expect(lines.first?["check"] as? String == "storage-nearly-full")
    }
}
