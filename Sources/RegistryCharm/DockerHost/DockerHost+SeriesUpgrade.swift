import JujuKit

extension DockerHost {
    /// Pauses dockerd for a series upgrade, as the docker layer did (charmhelpers `service_pause`): `systemctl stop`,
    /// `disable` and `mask docker`, so that neither a reboot nor socket activation starts it during the upgrade.
    ///
    /// Returns `false` and runs nothing where systemd does not run dockerd (the charm never kills dockerd).
    ///
    /// - Throws: `DockerHostError.daemonControlFailed` naming the failed step.
    @discardableResult
    public func pauseForSeriesUpgrade() async throws(DockerHostError) -> Bool {
        guard systemdIsRunning else { return false }
        for verb in ["stop", "disable", "mask"] {
            try await systemctl(verb, action: "pause")
        }
        return true
    }

    /// Resumes dockerd after a series upgrade (charmhelpers `service_resume`): `systemctl unmask`, `enable` and
    /// `start docker`, then waits until the engine answers.
    ///
    /// Returns `false` and runs nothing where systemd does not run dockerd.
    @discardableResult
    public func resumeAfterSeriesUpgrade() async throws(DockerHostError) -> Bool {
        guard systemdIsRunning else { return false }
        for verb in ["unmask", "enable", "start"] {
            try await systemctl(verb, action: "resume")
        }
        try await waitUntilAnswering(after: "resuming docker")
        return true
    }

    private func systemctl(_ verb: String, action: String) async throws(DockerHostError) {
        do {
            try await runner.output(Command("systemctl", [verb, "docker"]))
        } catch {
            throw .daemonControlFailed(action: action, reason: error.description)
        }
    }
}
