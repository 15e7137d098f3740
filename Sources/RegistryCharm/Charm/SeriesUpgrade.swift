import JujuKit
import Logging

/// dockerd around a series upgrade, as the docker layer handled it: paused (stopped, disabled, masked) in
/// `pre-series-upgrade`, resumed in `post-series-upgrade` before the registry is started again.
struct SeriesUpgrade {
    let environment: CharmEnvironment

    /// Pauses dockerd after the registry was stopped; where systemd does not run dockerd it is left running.
    func pauseDocker(_ session: RegistrySession) async throws {
        if try await environment.host.pauseForSeriesUpgrade() {
            session.logger.info("paused docker (stopped, disabled, masked) for the series upgrade")
        } else {
            session.logger.info("systemd does not run dockerd here: docker is left running during the series upgrade")
        }
    }

    /// Resumes dockerd, then lets the registry be configured again in this hook.
    func resume(_ session: RegistrySession) async throws {
        if try await environment.host.resumeAfterSeriesUpgrade() {
            session.logger.info("resumed docker after the series upgrade")
        }
        session.flags.clear(RegistryFlags.seriesUpgrade)
    }
}
