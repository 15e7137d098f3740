import Foundation
import JujuKit

extension Simulator {
    /// `deploy-refreshed`: units another charm installed and started, refreshed to `source`.
    ///
    /// Such as the reactive docker-registry charm's units: no state of the new charm, the application's config and (3.x) leader settings as the
    /// previous charm left them, the peer relation already joined; then Juju's refresh sequence on each unit,
    /// upgrade-charm → config-changed → [leader-settings-changed on non-leaders, 3.x] → start.
    func deployRefreshed(
        charm source: String,
        name: String?,
        unitCount: Int,
        config: [String: JSONValue],
        leaderSettings: [String: String]
    ) throws {
        guard leaderSettings.isEmpty || model.hasLeaderSettings else {
            throw SimError("Juju \(model.jujuVersion) has no leader settings: --leader-settings needs 2.9 or 3.x")
        }
        try createApplication(charm: source, name: name, unitCount: unitCount, config: config, peersJoined: true) {
            unit in
            // The previous charm ran install and start; its last status stays until the new charm sets one.
            unit.installed = true
            unit.started = true
            unit.agentStatus = StatusValue("idle")
            unit.status = StatusValue("active", "")
        }
        model.application?.leaderSettings = leaderSettings.filter { !$0.value.isEmpty }
        model.application?.charmRevision = 1
        queueRefreshHooks()
        try drain()
    }
}
