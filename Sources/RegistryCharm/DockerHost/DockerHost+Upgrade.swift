import JujuKit

extension DockerHost {
    /// The engine packages of a runtime.
    static func packages(of runtime: ResolvedRuntime, _ settings: DockerHostSettings) -> [String] {
        switch runtime {
        case .apt: return ["docker.io"]
        case .upstream: return ["docker-ce"]
        case .nvidia:
            return [settings.dockerCEPackage, settings.nvidiaDockerPackage, settings.nvidiaContainerRuntimePackage]
        case .custom(_, _, let package): return [package]
        }
    }

    /// Upgrades the engine packages of the configured runtime to the newest version its sources offer, as the
    /// docker layer's `upgrade-docker` did: unhold, `apt-get update`, `apt-get install --only-upgrade`, hold again
    /// (the engine packages are always held, as the docker layer held them), then wait until the engine answers.
    ///
    /// Images stay where they are (dockerd's data root and the registry's `/srv/registry` are untouched); the
    /// package's own scripts restart dockerd, and containers with `--restart unless-stopped` come back with it.
    ///
    /// - Returns: the engine packages.
    @discardableResult
    public func upgrade(
        _ settings: DockerHostSettings,
        progress: (String) async -> Void
    ) async throws(DockerHostError) -> [String] {
        let runtime = try await resolve(settings)
        let packages = Self.packages(of: runtime, settings)
        let names = packages.map { String($0.split(separator: "=", maxSplits: 1).first ?? Substring($0)) }
        do {
            try await runner.output(Command("apt-mark", ["unhold"] + names))
        } catch {
            throw .installFailed(
                what: "the release of the hold on \(names.joined(separator: ", "))",
                reason: error.description
            )
        }
        await progress("Updating the package lists.")
        try await apt(["update", "-q"], settings, what: "the package lists")
        await progress("Upgrading \(names.joined(separator: ", ")).")
        try await apt(
            [
                "install", "-y", "-q", "--only-upgrade", "-o", "Dpkg::Options::=--force-confold",
                "-o", "DPkg::Lock::Timeout=300",
            ] + names,
            settings,
            what: names.joined(separator: ", ")
        )
        try await hold(names)
        try await waitUntilAnswering(after: "upgrading \(names.joined(separator: ", "))")
        return names
    }
}
