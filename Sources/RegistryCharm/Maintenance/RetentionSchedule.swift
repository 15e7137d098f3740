import FoundationEssentials
import JujuKit
import Logging

/// When tag retention runs on its own: from `update-status`, at most once per `retention-interval`.
///
/// The next due time sits in the unit state (``StateKeys/retentionDue``), so an idle `update-status` tells from the
/// state it already read (no hook tool, no docker call) whether it is due. Who applies it: the leader on shared
/// object storage (one collection for all units), every unit on its own filesystem store.
struct RetentionSchedule {
    let charm: RegistryCharm
    let session: RegistrySession

    /// Whether retention is due now, from the state alone.
    static func isDue(_ session: RegistrySession, now: Date) -> Bool {
        guard let due = session.values[StateKeys.retentionDue]?.objectValue?["due"]?.intValue else { return false }
        return Int(now.timeIntervalSince1970) >= due
    }

    /// Keeps the due time in line with the configuration and leadership: set (due at the next `update-status`) when
    /// retention is turned on or its interval changes, removed when it is off or another unit applies it.
    func update() async throws {
        let config = try await charm.prepared(session).config
        guard let policy = config.retention, config.isValid, try await appliesHere(config) else {
            session.values[StateKeys.retentionDue] = nil
            return
        }
        let recorded = session.values[StateKeys.retentionDue]?.objectValue
        guard recorded?["interval"]?.intValue != policy.intervalSeconds else { return }
        let now = Int(charm.environment.now().timeIntervalSince1970)
        session.values[StateKeys.retentionDue] = .object(["due": .int(now), "interval": .int(policy.intervalSeconds)])
        session.logger.info(
            "tag retention is on: keep \(policy.keepTags) tags; applied every \(policy.intervalSeconds) s"
        )
    }

    /// In `update-status`: applies retention when it is due, then sets the next due time (also after a failure, which
    /// is logged: retention runs at most once per interval).
    func applyIfDue() async throws {
        let environment = charm.environment
        guard Self.isDue(session, now: environment.now()) else { return }
        let config = try await charm.prepared(session).config
        guard let policy = config.retention, config.isValid, try await appliesHere(config) else {
            session.values[StateKeys.retentionDue] = nil
            return
        }
        let next = Int(environment.now().timeIntervalSince1970) + policy.intervalSeconds
        session.values[StateKeys.retentionDue] = .object(["due": .int(next), "interval": .int(policy.intervalSeconds)])
        let logger = session.logger
        do {
            let shared = SharedCollection(charm: charm, session: session)
            let peers = try await shared.peers(config)
            var run = RetentionRun(
                environment: environment,
                config: config,
                policy: policy,
                api: try await RegistryAPIAccess(charm: charm, session: session).api(),
                log: { logger.info("retention: \($0)") }
            )
            if peers == nil {
                // Sized on object storage too, as the actions' collections are.
                run.collection = GarbageCollection(charm: charm, session: session, config: config) {
                    logger.info("retention: \($0)")
                }
            }
            let outcome = try await run.run(dryRun: false)
            if let peers, !outcome.plan.deletions.isEmpty {
                _ = try await shared.request(untagged: false, relation: peers.relation)
            }
            let plan = outcome.plan
            logger.info(
                "retention: deleted \(plan.deleted.count) tags, kept \(plan.kept.count), freed \(outcome.bytesFreed) bytes"
            )
        } catch {
            logger.error("retention could not be applied: \(error); next attempt in \(policy.intervalSeconds) s")
        }
    }

    /// Whether this unit applies retention: every unit on filesystem storage, the leader on object storage.
    private func appliesHere(_ config: CharmConfig) async throws -> Bool {
        config.storage == .filesystem ? true : try await session.isLeader()
    }
}
