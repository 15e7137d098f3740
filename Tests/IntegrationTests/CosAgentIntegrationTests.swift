import Foundation
import RegistryCharmTesting
import Testing

/// What the charm publishes over `cos-agent`, judged by a real Prometheus and promtool (Debian's), the registry's
/// real metrics and its real log.
@Suite("cos-agent with a real Prometheus", .serialized, .enabled(if: CharmUnderTest.enabled))
struct CosAgentIntegrationTests {
    static let topology = [
        "juju_model": "charm-sim", "juju_application": "docker-registry", "juju_unit": "docker-registry/0",
    ]

    /// The decoded `config` of the unit databag on relation `id`.
    static func payload(_ charm: CharmUnderTest, _ id: Int) throws -> [String: Any] {
        let text = try #require(try charm.relationData(id)["config"])
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Writes `object` as JSON to `path` (YAML, which has no `\/` escape, reads it).
    static func write(_ object: Any, _ path: String) throws {
        try JSONSerialization.data(
            withJSONObject: object,
            options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        )
        .write(to: URL(fileURLWithPath: path))
    }

    /// A Prometheus of its own on a free loopback port.
    final class Prometheus {
        let directory: URL
        let port: Int
        private let process = Process()

        init(config: [String: Any]) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("prom-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = Int.random(in: 29_100...29_900)
            let file = directory.appendingPathComponent("prometheus.yml").path
            try CosAgentIntegrationTests.write(config, file)
            let check = try shell("promtool", ["check", "config", file])
            #expect(check.succeeded, "promtool check config: \(check.stdout) \(check.stderr)")
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
            process.arguments = [
                "--config.file=\(file)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            #expect(try eventually(20) { try curl("http://127.0.0.1:\(port)/-/ready")?.status == 200 })
        }

        /// The values of the instant vector `query`, as numbers.
        func query(_ query: String) throws -> [Double] {
            let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? query
            guard let answer = try curl("http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)"),
                let json = try JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any],
                let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
            else { return [] }
            return result.compactMap { (($0["value"] as? [Any])?.last as? String).flatMap(Double.init) }
        }

        func stop() {
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test(
        "a real Prometheus scrapes the published job (up, counters move after a push); every dashboard query finds series in it; the log has the push"
    )
    func scrapeDashboardAndLogs() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["storage-delete": "true"])
        #expect(try curl("http://127.0.0.1:5001/metrics") == nil, "no metrics listener before relating")
        let id = try charm.relate("cos-agent", "opentelemetry-collector")
        let payload = try Self.payload(charm, id)
        #expect(try curl("http://127.0.0.1:5001/metrics")?.status == 200, "relating turned the metrics listener on")
        #expect(try charm.unitStatus().ports == ["5000/tcp"], "on loopback, not opened")

        // Prometheus configured from the published job as the collector uses it (topology labels added).
        var jobs = try #require(payload["metrics_scrape_jobs"] as? [[String: Any]])
        jobs = jobs.map { job in
            var job = job
            job["scrape_interval"] = "1s"
            job["static_configs"] = (job["static_configs"] as? [[String: Any]] ?? []).map { entry in
                var entry = entry
                entry["labels"] = Self.topology
                return entry
            }
            return job
        }
        let prometheus = try Prometheus(config: ["global": ["scrape_interval": "1s"], "scrape_configs": jobs])
        defer { prometheus.stop() }
        #expect(try eventually(20) { try prometheus.query("up{juju_unit=\"docker-registry/0\"}") == [1] })
        // distribution's labels: lower-case methods, handlers named after the API's routes.
        let put =
            "sum(registry_http_requests_total{method=\"put\",handler=\"manifest\",juju_application=\"docker-registry\"})"
        let before = try prometheus.query(put).first ?? 0
        // A layer of its own, so that the push uploads (the store outlives tests and may hold busybox's), under a
        // name of its own that goes afterwards (other suites count the tags of theirs).
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let random = "localhost/cos-random:\(suffix)"
        try importRandomImage(random, megabytes: 1)
        defer { _ = try? shell("docker", ["rmi", random]) }
        let pushed = try charm.action(
            "push",
            ["image": random, "pull": "false", "tag": "127.0.0.1:5000/cos-it-\(suffix)/upload:1"]
        )
        #expect(pushed.status == "completed", "\(pushed.raw)")
        defer {
            // Deleted and collected: the store outlives tests, and the actions suite measures what a collection frees.
            _ = try? charm.action("delete", ["image": "cos-it-\(suffix)/upload:1"])
            _ = try? charm.action("garbage-collect")
        }
        #expect(
            try charm.action("push", ["image": CharmUnderTest.busyboxImage, "pull": "false"]).status == "completed"
        )
        #expect(try shell("docker", ["pull", "127.0.0.1:5000/busybox:test"]).succeeded)
        #expect(try eventually(20) { (try prometheus.query(put).first ?? 0) > before }, "the push shows in Prometheus")

        // Every metric a dashboard query names is in a real scrape.
        let encoded = try #require((payload["dashboards"] as? [String])?.first)
        let dashboardData = try XZ.decompress(try #require(Data(base64Encoded: encoded)))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: dashboardData) as? [String: Any])
        let queries = (dashboard["panels"] as? [[String: Any]] ?? []).flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String }
        }
        #expect(queries.count >= 8)
        let scraped = Set(
            (try curl("http://127.0.0.1:5001/metrics")?.body ?? "").split(separator: "\n")
                .filter { !$0.hasPrefix("#") }
                .compactMap { $0.split(whereSeparator: { $0 == "{" || $0 == " " }).first.map(String.init) }
        )
        let regex = try NSRegularExpression(pattern: "registry_[a-z_]+")
        for query in queries {
            let names = regex.matches(in: query, range: NSRange(query.startIndex..., in: query)).compactMap {
                Range($0.range, in: query).map { String(query[$0]) }
            }
            #expect(!names.isEmpty, "\(query)")
            for name in names { #expect(scraped.contains(name), "\(name) (in \(query)) is not in the scrape") }
            // The query as Grafana sends it (every unit, a one-minute rate) finds series: its labels are right too.
            let instant = query.replacingOccurrences(of: "$juju_unit", with: ".*")
                .replacingOccurrences(of: "$__rate_interval", with: "1m")
            #expect(try eventually(20) { try !prometheus.query(instant).isEmpty }, "no series for \(instant)")
        }

        // The registry's log, where the collector reads it (/var/log/**/*log), has the push.
        let log = try String(contentsOfFile: "/var/log/docker-registry/registry.log", encoding: .utf8)
        #expect(log.contains("PUT /v2/busybox/manifests/test"), "the push is in the log file")
        _ = try shell("docker", ["rmi", "127.0.0.1:5000/busybox:test"])

        // Unrelated: the listener goes (prometheus-metrics is off).
        try charm.unrelate(id)
        #expect(try curl("http://127.0.0.1:5001/metrics") == nil)
    }

    @Test(
        "a certificate 10 days from expiry (easy-rsa): in the status, and in charm.log as the line the published rule matches"
    )
    func certificateExpiryLogged() throws {
        let healthLog = "/var/log/docker-registry/charm.log"
        try? FileManager.default.removeItem(atPath: healthLog)
        defer { try? FileManager.default.removeItem(atPath: healthLog) }
        let pki = try EasyRSA.make(days: 10)
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(["tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64])
        let id = try charm.relate("cos-agent", "opentelemetry-collector")
        try charm.hook("update-status")
        let status = try charm.unitStatus()
        #expect(status.state == "active")
        #expect(status.message.hasPrefix("Ready at 127.0.0.1:5000 (https). Certificate expires on "), "\(status)")
        // The date is the certificate's own, as openssl reads it.
        let end = try shell("openssl", ["x509", "-noout", "-enddate"], input: pki.serverCertificate)
        #expect(end.succeeded)
        let openssl = try #require(
            end.stdout.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        )
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "GMT")
        parser.dateFormat = "MMM d HH:mm:ss yyyy zzz"
        let printer = DateFormatter()
        printer.locale = Locale(identifier: "en_US_POSIX")
        printer.timeZone = TimeZone(identifier: "UTC")
        printer.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        let notAfter = try #require(parser.date(from: openssl.replacingOccurrences(of: "  ", with: " ")))
        #expect(status.message.contains(printer.string(from: notAfter)), "\(openssl) in \(status.message)")

        let text = try String(contentsOfFile: healthLog, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").last)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(fields["check"] as? String == "certificate-expiring")
        #expect(fields["unit"] as? String == "docker-registry/0")
        #expect(fields["not_after"] as? String == printer.string(from: notAfter))
        let payload = try Self.payload(charm, id)
        let groups = try #require((payload["log_alert_rules"] as? [String: Any])?["groups"] as? [[String: Any]])
        let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
        let expression = try #require(
            rules.first { $0["alert"] as? String == "DockerRegistryCertificateExpiring" }?["expr"] as? String
        )
        let filter = try #require(expression.components(separatedBy: "`").dropFirst().first)
        #expect(line.contains(filter), "\(filter) matches \(line)")
        let attributes = try FileManager.default.attributesOfItem(atPath: healthLog)
        #expect((attributes[.posixPermissions] as? Int) == 0o644, "readable by the collector")
    }

    @Test("promtool checks the published rules and tests that each alert fires on bad series and not on good ones")
    func alertRules() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let id = try charm.relate("cos-agent", "opentelemetry-collector")
        let payload = try Self.payload(charm, id)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let rulesFile = directory.appendingPathComponent("rules.json").path
        let rules = try #require(payload["metrics_alert_rules"] as? [String: Any])
        try Self.write(rules, rulesFile)
        let check = try shell("promtool", ["check", "rules", rulesFile])
        #expect(check.succeeded, "\(check.stdout) \(check.stderr)")

        let published = ((rules["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]]) ?? []
        #expect(
            Set(published.compactMap { $0["alert"] as? String }) == [
                "DockerRegistryDown", "DockerRegistryServerErrors", "DockerRegistrySlowRequests",
                "DockerRegistrySlowStorage",
            ]
        )
        let topology = try #require(published.first?["labels"] as? [String: String])
        let model = try #require(topology["juju_model"])
        let uuid = try #require(topology["juju_model_uuid"])
        let base =
            "juju_model=\"\(model)\",juju_model_uuid=\"\(uuid)\",juju_application=\"docker-registry\","
            + "juju_unit=\"docker-registry/0\""
        let unit = [
            "juju_model": model, "juju_model_uuid": uuid, "juju_application": "docker-registry",
            "juju_unit": "docker-registry/0",
        ]

        /// The alert as promtool must see it: the series' labels, the rule's labels, annotations templated.
        func expected(_ alert: String, _ seriesLabels: [String: String]) throws -> [String: Any] {
            let rule = try #require(published.first { $0["alert"] as? String == alert })
            let labels = (rule["labels"] as? [String: String] ?? [:]).merging(seriesLabels) { rule, _ in rule }
            var annotations = rule["annotations"] as? [String: String] ?? [:]
            for (key, value) in annotations {
                var text = value
                for (label, labelValue) in seriesLabels {
                    text = text.replacingOccurrences(of: "{{ $labels.\(label) }}", with: labelValue)
                }
                annotations[key] = text
            }
            return ["exp_labels": labels, "exp_annotations": annotations]
        }

        let up = unit.merging(["instance": "127.0.0.1:5001", "job": "docker-registry_registry"]) { $1 }
        let tests: [[String: Any]] = [
            [
                "interval": "1m",
                "input_series": [
                    [
                        "series": "up{\(base),instance=\"127.0.0.1:5001\",job=\"docker-registry_registry\"}",
                        "values": "0x20",
                    ],
                    [
                        "series": "registry_http_requests_total{\(base),code=\"500\",method=\"get\",handler=\"blob\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series": "registry_http_requests_total{\(base),code=\"200\",method=\"get\",handler=\"blob\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"manifest\",method=\"get\",le=\"1\"}",
                        "values": "0+0x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"manifest\",method=\"get\",le=\"10\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"manifest\",method=\"get\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Stat\",driver=\"s3aws\",le=\"1\"}",
                        "values": "0+0x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Stat\",driver=\"s3aws\",le=\"10\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Stat\",driver=\"s3aws\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                ],
                "alert_rule_test": [
                    [
                        "eval_time": "20m", "alertname": "DockerRegistryDown",
                        "exp_alerts": [try expected("DockerRegistryDown", up)],
                    ],
                    [
                        "eval_time": "25m", "alertname": "DockerRegistryServerErrors",
                        "exp_alerts": [try expected("DockerRegistryServerErrors", unit)],
                    ],
                    [
                        "eval_time": "28m", "alertname": "DockerRegistrySlowRequests",
                        "exp_alerts": [try expected("DockerRegistrySlowRequests", unit)],
                    ],
                    [
                        "eval_time": "28m", "alertname": "DockerRegistrySlowStorage",
                        "exp_alerts": [
                            try expected("DockerRegistrySlowStorage", unit.merging(["action": "Stat"]) { $1 })
                        ],
                    ],
                ],
            ],
            [
                "interval": "1m",
                "input_series": [
                    [
                        "series": "up{\(base),instance=\"127.0.0.1:5001\",job=\"docker-registry_registry\"}",
                        "values": "1x30",
                    ],
                    [
                        "series": "registry_http_requests_total{\(base),code=\"500\",method=\"get\",handler=\"blob\"}",
                        "values": "0+1x30",
                    ],
                    [
                        "series": "registry_http_requests_total{\(base),code=\"200\",method=\"get\",handler=\"blob\"}",
                        "values": "0+100x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"manifest\",method=\"get\",le=\"0.1\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"manifest\",method=\"get\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"blob\",method=\"get\",le=\"100\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_http_request_duration_seconds_bucket{\(base),handler=\"blob\",method=\"get\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Stat\",driver=\"s3aws\",le=\"0.1\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Stat\",driver=\"s3aws\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Reader\",driver=\"s3aws\",le=\"100\"}",
                        "values": "0+10x30",
                    ],
                    [
                        "series":
                            "registry_storage_action_seconds_bucket{\(base),action=\"Reader\",driver=\"s3aws\",le=\"+Inf\"}",
                        "values": "0+10x30",
                    ],
                    // Another application's series fire nothing here.
                    [
                        "series": "up{juju_model=\"\(model)\",juju_model_uuid=\"\(uuid)\",juju_application=\"other\"}",
                        "values": "0x30",
                    ],
                ],
                "alert_rule_test": [
                    "DockerRegistryDown", "DockerRegistryServerErrors", "DockerRegistrySlowRequests",
                    "DockerRegistrySlowStorage",
                ].map { ["eval_time": "28m", "alertname": $0, "exp_alerts": [[String: Any]]()] },
            ],
        ]
        let testFile = directory.appendingPathComponent("tests.json").path
        try Self.write(["rule_files": [rulesFile], "evaluation_interval": "1m", "tests": tests], testFile)
        let test = try shell("promtool", ["test", "rules", testFile])
        #expect(test.succeeded, "promtool test rules: \(test.stdout) \(test.stderr)")

        // The log rules are LogQL for Loki: every one names this application's stream.
        let logRules = try #require(payload["log_alert_rules"] as? [String: Any])
        let logged = ((logRules["groups"] as? [[String: Any]])?.first?["rules"] as? [[String: Any]]) ?? []
        #expect(logged.count == 5, "two over the registry's log, three over the charm's health log")
        #expect(logged.allSatisfy { ($0["expr"] as? String ?? "").contains("juju_application=\"docker-registry\"") })
    }
}
