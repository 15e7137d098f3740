/// The Prometheus and Loki alert rules the charm publishes over `cos-agent`, built as values for one application.
///
/// Each rule carries the Juju topology as labels, and its expression matches only this application's series (what
/// the `cos_agent` library does with cos-tool), so two registries in one model never fire each other's alerts.
/// Every summary and description says what is wrong and what to do.
struct RegistryAlertRules {
    /// One alerting rule (`alert`, `expr`, `for`, `labels`, `annotations`).
    struct Rule: Encodable, Equatable {
        var alert: String
        var expr: String
        var `for`: String
        var labels: [String: String]
        var annotations: [String: String]
    }

    /// A rule group.
    struct Group: Encodable, Equatable {
        var name: String
        var rules: [Rule]
    }

    /// A rule file's content: `{"groups": […]}`.
    struct File: Encodable, Equatable {
        var groups: [Group]
    }

    /// The model's name.
    let model: String
    /// The model's UUID.
    let modelUUID: String
    /// The application's name.
    let application: String

    /// The topology labels every rule carries.
    var topologyLabels: [String: String] {
        [
            "juju_model": model, "juju_model_uuid": modelUUID, "juju_application": application,
            "juju_charm": "docker-registry",
        ]
    }

    /// The label matchers that select this application's series: `juju_model="…",juju_model_uuid="…",…`.
    var matchers: String {
        [("juju_model", model), ("juju_model_uuid", modelUUID), ("juju_application", application)]
            .map { "\($0.0)=\(Self.quoted($0.1))" }.joined(separator: ",")
    }

    /// A PromQL (and LogQL) double-quoted string.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text + "\""
    }

    private func rule(
        _ alert: String,
        _ expr: String,
        for duration: String,
        severity: String,
        summary: String,
        description: String
    ) -> Rule {
        Rule(
            alert: alert,
            expr: expr,
            for: duration,
            labels: topologyLabels.merging(["severity": severity]) { $1 },
            annotations: ["summary": summary, "description": description]
        )
    }

    /// The metrics rules, over the registry's own metrics (distribution's debug listener).
    ///
    /// What the registry's metrics cannot tell is in the log rules: certificate expiry and a nearly full filesystem
    /// store (the charm runs only in hooks, so it has no process to serve a gauge between them: it writes
    /// ``HealthLog`` lines instead), and a failing pull-through cache upstream (distribution publishes its proxy
    /// counters through expvar, not Prometheus).
    var metrics: File {
        let series = "{\(matchers)}"
        let by = "juju_model, juju_model_uuid, juju_application, juju_unit"
        let notBlobs = "\(matchers),handler!~\"blob|blob_upload_chunk\""
        return File(groups: [
            Group(
                name: "\(application)-registry",
                rules: [
                    rule(
                        "DockerRegistryDown",
                        "up\(series) == 0",
                        for: "5m",
                        severity: "critical",
                        summary: "docker-registry {{ $labels.juju_unit }} cannot be scraped",
                        description: "The registry's metrics on {{ $labels.instance }} did not answer for 5 minutes:"
                            + " the registry container is down or restarting. Run `juju status docker-registry`"
                            + " (its message says why) and `docker ps -a` on the unit; `juju run"
                            + " {{ $labels.juju_unit }} start` starts a registry an operator stopped."
                    ),
                    rule(
                        "DockerRegistryServerErrors",
                        "sum by (\(by)) (rate(registry_http_requests_total{\(matchers),code=~\"5..\"}[5m]))"
                            + " / sum by (\(by)) (rate(registry_http_requests_total\(series)[5m])) > 0.05",
                        for: "10m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }} fails more than 5% of its requests",
                        description: "More than 5% of the registry's answers were 5xx for 10 minutes: usually its"
                            + " storage (S3, Swift or a full disk) fails. Read the registry's log"
                            + " (/var/log/docker-registry/ on the unit, or Loki) for `level=error`, and check the store."
                    ),
                    rule(
                        "DockerRegistrySlowRequests",
                        "histogram_quantile(0.99, sum by (le, \(by)) (rate("
                            + "registry_http_request_duration_seconds_bucket{\(notBlobs)}[10m]))) > 2",
                        for: "15m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }} answers slowly (p99 over 2 s)",
                        description: "The 99th percentile of the registry's manifest, tag and catalog requests took"
                            + " more than 2 s for 15 minutes (blob transfers are left out). A slow store or an"
                            + " overloaded unit: check the storage actions panel of the dashboard and the unit's load."
                    ),
                    rule(
                        "DockerRegistrySlowStorage",
                        "histogram_quantile(0.99, sum by (le, action, \(by)) (rate("
                            + "registry_storage_action_seconds_bucket{\(matchers),action!~\"Reader|Writer\"}[10m])))"
                            + " > 5",
                        for: "15m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }}: storage action {{ $labels.action }} is"
                            + " slow (p99 over 5 s)",
                        description: "The registry's storage driver took more than 5 s for 1% of its"
                            + " {{ $labels.action }} calls for 15 minutes. Check the object store's health and"
                            + " latency (or the disk of /srv/registry), and the registry's log for retries."
                    ),
                ]
            )
        ])
    }

    /// The LogQL expression that counts the ``HealthLog`` lines of `check` over the last hour (`update-status` writes
    /// one every 5 minutes by default while the condition holds).
    func healthLogLines(_ check: ServingWarning.Check) -> String {
        "sum by (juju_model, juju_model_uuid, juju_application, juju_unit) (count_over_time({\(matchers)}"
            + " |= `\(Self.healthLogMatch(check))` [1h])) > 0"
    }

    /// The text a ``HealthLog`` line of `check` holds and no other line does: `"check":"<check>"`.
    static func healthLogMatch(_ check: ServingWarning.Check) -> String { "\"check\":\"\(check.rawValue)\"" }

    /// The log rules (LogQL over the registry's log and the charm's ``HealthLog``, which the collector reads from
    /// `/var/log/docker-registry/`).
    var logs: File {
        let stream = "{\(matchers)}"
        let by = "juju_model, juju_model_uuid, juju_application, juju_unit"
        return File(groups: [
            Group(
                name: "\(application)-registry-logs",
                rules: [
                    rule(
                        "DockerRegistryStorageDriverErrors",
                        "sum by (\(by)) (count_over_time(\(stream) |= \"level=error\""
                            + " |~ \"storage|driver|s3aws|swift|filesystem\" [5m])) > 0",
                        for: "5m",
                        severity: "critical",
                        summary: "docker-registry {{ $labels.juju_unit }} logs storage driver errors",
                        description: "The registry logged storage driver errors for 5 minutes: pushes and pulls"
                            + " fail. Check the store's credentials (storage-*-credentials), reachability and free"
                            + " space; the log lines say which call failed."
                    ),
                    rule(
                        "DockerRegistryUpstreamErrors",
                        "sum by (\(by)) (count_over_time(\(stream) |= \"level=error\""
                            + " |~ \"(?i)proxy|upstream|remote\" [10m])) > 5",
                        for: "10m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }}: the pull-through cache's upstream fails",
                        description: "The registry could not fetch from cache-remoteurl for 10 minutes, so images not"
                            + " cached yet cannot be pulled. Check the upstream's reachability, the proxy settings"
                            + " (registry-https-proxy) and cache-credentials."
                    ),
                    rule(
                        "DockerRegistryCertificateExpiring",
                        healthLogLines(.certificateExpiring),
                        for: "0m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }}: its TLS certificate expires within 14 days",
                        description: "The certificate the registry serves expires within 14 days; clients will refuse"
                            + " it then. Set a new tls-cert-blob and tls-key-blob, or check that the cert-provider"
                            + " relation (easyrsa) renews it. The unit's status and"
                            + " /var/log/docker-registry/charm.log give the date."
                    ),
                    rule(
                        "DockerRegistryCertificateExpired",
                        healthLogLines(.certificateExpired),
                        for: "0m",
                        severity: "critical",
                        summary: "docker-registry {{ $labels.juju_unit }}: its TLS certificate has expired",
                        description: "The certificate the registry serves has expired: clients refuse to pull or push."
                            + " Set a new tls-cert-blob and tls-key-blob, or renew it at the cert-provider (easyrsa);"
                            + " the unit is blocked until then."
                    ),
                    rule(
                        "DockerRegistryStorageNearlyFull",
                        healthLogLines(.storageNearlyFull),
                        for: "0m",
                        severity: "warning",
                        summary: "docker-registry {{ $labels.juju_unit }}: its storage is nearly full",
                        description: "The file system of the registry's storage has less than 256 MiB (or 5%) free;"
                            + " pushes fail when it is full. Delete images (the delete and prune actions, or"
                            + " retention-keep-tags) and run garbage-collect, or grow the file system."
                    ),
                ]
            )
        ])
    }
}
