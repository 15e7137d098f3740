import FoundationEssentials
import JujuKit
import Logging

/// The `cos-agent` relation (provides, interface `cos_agent`): what the opentelemetry-collector (or grafana-agent)
/// subordinate on this machine needs to scrape, alert on, graph and read the registry's logs.
///
/// One unit-databag key, `config`, holds the JSON object the `cos_agent` library defines; each unit publishes its own
/// scrape target (the collector is on the same machine). Relating turns the registry's metrics listener on, on the
/// loopback address only, when `prometheus-metrics` is off (see ``RenderInputs/metricsOnLoopback``).
struct CosAgent {
    /// The endpoint name in metadata.yaml.
    static let endpoint = "cos-agent"
    /// The dashboard, as `cos_agent` carries it (base64 of its xz-compressed JSON), under the charm's templates.
    static let dashboardFile = "templates/docker-registry-dashboard.json.xz.b64"

    /// The unit databag's `config` value (`CosAgentProviderUnitData`).
    struct Payload: Encodable, Equatable {
        /// One Prometheus `scrape_config`.
        struct ScrapeJob: Encodable, Equatable {
            /// `static_configs[]`.
            struct Targets: Encodable, Equatable {
                var targets: [String]
            }

            var job_name: String
            var metrics_path: String
            var static_configs: [Targets]
        }

        var metrics_scrape_jobs: [ScrapeJob]
        var metrics_alert_rules: RegistryAlertRules.File
        var log_alert_rules: RegistryAlertRules.File
        var dashboards: [String]
        var log_slots: [String]
    }

    let session: RegistrySession
    let charmDirectory: String
    let files: any FileSystem

    /// Whether a collector is related (the relation ids are remembered: no tool call outside its own hooks).
    static func isRelated(_ session: RegistrySession) async throws -> Bool {
        try await !session.relations.ids(endpoint).isEmpty
    }

    /// What this unit publishes for `config`.
    func payload(config: CharmConfig) -> Payload {
        let context = session.context
        let rules = RegistryAlertRules(
            model: context.modelName,
            modelUUID: context.modelUUID,
            application: context.applicationName
        )
        let dashboard = (try? files.read(Path.join(charmDirectory, Self.dashboardFile)))
            .map { String(decoding: $0, as: UTF8.self).trimmingWhitespace }
        return Payload(
            metrics_scrape_jobs: [
                .init(
                    job_name: "\(context.applicationName)_registry",
                    metrics_path: "/metrics",
                    static_configs: [.init(targets: ["127.0.0.1:\(config.debugPort)"])]
                )
            ],
            metrics_alert_rules: rules.metrics,
            log_alert_rules: rules.logs,
            dashboards: dashboard.map { [$0] } ?? [],
            log_slots: []
        )
    }

    /// Publishes the payload on the relation where it changed; logs that it did.
    func publish(config: CharmConfig) async throws {
        let relations = try await session.relations.ids(Self.endpoint)
        let publisher = RelationPublisher(session: session)
        defer { publisher.forgetRelations(except: relations, topic: Self.endpoint) }
        guard !relations.isEmpty else { return }
        let payload = payload(config: config)
        if payload.dashboards.isEmpty {
            session.logger.warning("\(Self.dashboardFile) is missing from the charm: no dashboard is published")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(payload), as: UTF8.self)
        for relation in relations
        where try await publisher.publish(["config": json], on: relation, topic: Self.endpoint) {
            session.logger.info("sent the scrape job, alert rules, dashboard and log rules to \(relation)")
        }
    }
}
