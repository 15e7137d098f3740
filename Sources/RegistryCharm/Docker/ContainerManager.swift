/// What ``ContainerManager/reconcile(_:startIfStopped:)`` did.
public enum ReconcileOutcome: Sendable, Equatable {
    /// The container runs and matches the spec: nothing was done.
    case unchanged
    /// The container matched the spec but was stopped: it was started.
    case started
    /// There was no container: one was created and started.
    case created
    /// The container did not match the spec: it was replaced by a new one, started.
    case recreated
    /// The container is absent or stopped and may not be started (an operator stopped it): nothing was done.
    case keptStopped
}

/// Keeps the registry container in line with its spec, touching it only when the spec changed.
///
/// The container carries the digest of the spec it was made from (label ``ContainerLabels/specDigest``). When nothing
/// changed, reconciling costs a single `docker container inspect`.
///
/// Re-creation keeps downtime short and never leaves the unit without a container when docker refuses the new one:
/// 1. the image is made present first (`docker pull` when it is missing locally), while the old container serves;
/// 2. the old container is stopped and renamed `<name>.charm-previous` (kept, not removed);
/// 3. the new container is run under the name;
/// 4. the old one is removed. If step 3 fails, whatever it created is removed, the old container gets its name back
///    and is started again if it was running, and ``DockerError/recreateFailed(container:message:previousRestored:)``
///    says so. The restored container has the previous image, mounts and environment, but it reads the files on the
///    host as they are now. A leftover `<name>.charm-previous` (a hook killed between steps 2 and 4, or a failed
///    removal in step 4) is removed by the charm's every reconcile, by the next
///    re-creation and by ``remove(_:)``.
public struct ContainerManager: Sendable {
    /// The docker client this manager drives.
    public let docker: DockerCLI
    /// How long a stopping container may take before docker kills it.
    public var stopTimeoutSeconds: Int
    private let digest: @Sendable ([UInt8]) -> String

    /// Bumped when the fixed part of the container definition changes, so that an upgraded charm re-creates it.
    ///
    /// 2: the container is given an explicit command (`serve <config>`) instead of the image's default one.
    static let layoutVersion = "docker-registry-container/2"

    /// Creates a manager.
    ///
    /// `digest` hashes bytes to a printable string, such as ``ContainerDigest/sha256Hex(_:)``.
    public init(docker: DockerCLI, digest: @escaping @Sendable ([UInt8]) -> String, stopTimeoutSeconds: Int = 30) {
        self.docker = docker
        self.digest = digest
        self.stopTimeoutSeconds = stopTimeoutSeconds
    }

    /// A digest over everything that defines the container: name, image, mounts (in any order), environment file,
    /// the inputs digest, the command, and the charm's fixed container layout.
    public func specDigest(_ spec: ContainerSpec) -> String {
        var fields = [Self.layoutVersion, spec.name, spec.image, spec.environmentFile ?? "", spec.inputsDigest]
        fields.append(spec.command.joined(separator: "\u{0}"))
        let mounts = spec.mounts.sorted { ($0.target, $0.source) < ($1.target, $1.source) }
        fields += mounts.map { "\($0.source)\u{0}\($0.target)\u{0}\($0.readOnly ? "ro" : "rw")" }
        return digest(ContainerDigest.canonicalBytes(fields))
    }

    /// Brings the container named `spec.name` in line with `spec`.
    ///
    /// - A running container with the same spec digest is left alone (one docker call).
    /// - A stopped container with the same digest is started, unless `startIfStopped` is false.
    /// - A container with another digest (or none, e.g. made by the reactive charm) is re-created, unless it is
    ///   stopped and `startIfStopped` is false: an operator's stop wins until the container may run again.
    /// - A missing container is created, unless `startIfStopped` is false.
    ///
    /// `willChange` is called once before a container is created or re-created (e.g. to show a maintenance status
    /// during a pull); it is not called when nothing changes.
    ///
    /// - Throws: `DockerError.invalidSpec` before any docker call when the spec cannot be run safely; other
    ///   ``DockerError``s as docker reports them (the type documentation says what a failed re-creation leaves).
    public func reconcile(
        _ spec: ContainerSpec,
        startIfStopped: Bool,
        willChange: () async -> Void = {}
    ) async throws(DockerError) -> ReconcileOutcome {
        _ = try spec.definingArguments()
        let wanted = specDigest(spec)
        guard let current = try await docker.inspect(spec.name) else {
            guard startIfStopped else { return .keptStopped }
            await willChange()
            try await ensureImage(spec.image)
            try await docker.run(spec, specDigest: wanted)
            return .created
        }
        let isUp = current.isRunning || current.isRestarting
        if current.specDigest == wanted {
            if isUp { return .unchanged }
            guard startIfStopped else { return .keptStopped }
            try await docker.start(current.id)
            return .started
        }
        guard isUp || startIfStopped else { return .keptStopped }
        await willChange()
        try await replace(current, with: spec, specDigest: wanted)
        return .recreated
    }

    /// Stops and removes the container named `name` (and a leftover `<name>.charm-previous`); nothing happens when
    /// there is none.
    public func remove(_ name: String) async throws(DockerError) {
        for candidate in [name, Self.parkedName(name)] {
            guard let container = try await docker.inspect(candidate) else { continue }
            if container.isRunning || container.isRestarting {
                try await docker.stop(container.id, timeoutSeconds: stopTimeoutSeconds)
            }
            try await docker.remove(container.id)
        }
    }

    /// The name an old container is parked under while its replacement starts.
    public static func parkedName(_ name: String) -> String { name + ".charm-previous" }

    // MARK: - Re-creation

    private func replace(_ current: ContainerInfo, with spec: ContainerSpec, specDigest: String)
        async throws(DockerError)
    {
        try await ensureImage(spec.image)
        let wasUp = current.isRunning || current.isRestarting
        if wasUp {
            try await docker.stop(current.id, timeoutSeconds: stopTimeoutSeconds)
        }
        do throws(DockerError) {
            try await park(current.id, name: spec.name)
        } catch {
            let restarted = wasUp ? ((try? await docker.start(current.id)) != nil) : true
            throw .recreateFailed(container: spec.name, message: error.description, previousRestored: restarted)
        }
        do throws(DockerError) {
            try await docker.run(spec, specDigest: specDigest)
        } catch {
            let restored = await restore(current.id, name: spec.name, start: wasUp)
            throw .recreateFailed(container: spec.name, message: error.description, previousRestored: restored)
        }
        // The new container serves; a failure here only leaves a stopped leftover that the next re-creation removes.
        try? await docker.remove(current.id)
    }

    /// Renames the old container out of the way, removing a leftover from an earlier interrupted re-creation.
    private func park(_ id: String, name: String) async throws(DockerError) {
        let parked = Self.parkedName(name)
        do throws(DockerError) {
            try await docker.rename(id, to: parked)
        } catch {
            guard let leftover = try await docker.inspect(parked), leftover.id != id else { throw error }
            try await docker.forceRemove(leftover.id)
            try await docker.rename(id, to: parked)
        }
    }

    /// Puts the old container back under `name` after its replacement failed; returns whether that worked.
    private func restore(_ id: String, name: String, start: Bool) async -> Bool {
        if let failed = try? await docker.inspect(name), failed.id != id {
            try? await docker.forceRemove(failed.id)
        }
        do throws(DockerError) {
            try await docker.rename(id, to: name)
            if start { try await docker.start(id) }
            return true
        } catch {
            return false
        }
    }

    private func ensureImage(_ image: String) async throws(DockerError) {
        if try await docker.imageExists(image) { return }
        try await docker.pull(image)
    }
}
