import JujuKit
import Logging

/// Which registry the configured image runs.
///
/// The image is made present (pulled when missing), its version read with `registry --version` in a throw-away
/// container, and the answer remembered in the unit state with the image reference and id. While `registry-image`
/// names the same reference, the remembered version is used without asking docker anything (the charm treats the
/// reference, not the image id, as what it runs: a re-tag behind its back is not followed, as for the container).
struct RegistryImageVersions {
    let session: RegistrySession
    let docker: DockerCLI

    /// The version of the registry in `image`.
    ///
    /// - Parameter showProgress: whether a pull may set a maintenance status (not in `update-status`, where a unit
    ///   that cannot pull its image stays `blocked` without flashing `maintenance`).
    /// - Throws: ``DockerError/pullFailed(image:message:)`` when a missing image cannot be pulled,
    ///   ``DockerError/versionUnknown(image:message:)`` when the image does not answer as a registry.
    func version(of image: String, showProgress: Bool) async throws(DockerError) -> RegistryVersion {
        let memo = session.values[StateKeys.registryImage]?.objectValue ?? [:]
        if memo["reference"]?.stringValue == image, let line = memo["version"]?.stringValue,
            let version = RegistryVersion.parse(line)
        {
            return version
        }
        var id = try await docker.imageID(image)
        if id == nil {
            if showProgress { try? await session.status.progress("Pulling \(image).") }
            try await docker.pull(image)
            id = try await docker.imageID(image)
        }
        guard let id else {
            throw .pullFailed(image: image, message: "the image is not in the local store after the pull")
        }
        let output = try await docker.registryVersionOutput(image)
        guard let version = RegistryVersion.parse(output) else {
            let said = output.trimmingWhitespace()
            throw .versionUnknown(
                image: image,
                message: said.isEmpty ? "it printed nothing" : "it printed '\(String(said.prefix(120)))'"
            )
        }
        session.logger.info("image \(image) (\(id.prefix(19))) runs distribution \(version.text)")
        let line = output.split(whereSeparator: \.isNewline).first.map(String.init) ?? output
        session.values[StateKeys.registryImage] = .object([
            "reference": .string(image), "id": .string(id), "version": .string(String(line.prefix(200))),
        ])
        return version
    }
}
