import JujuKit
import RegistryKit

/// `images options= repository=` and `rmi image= options=`: the docker engine's local images on this unit (not the
/// registry's storage; the `list` and `delete` actions work on that).
struct LocalImagesAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    /// `docker images [options] [repository]` → `output`.
    func listImages() async throws {
        let options = try DockerOptionPolicy.images.arguments(try action.parameters.string("options"))
        let repository = try action.parameters.string("repository")
        var arguments = ["images"] + options
        if !repository.isEmpty {
            arguments.append(try ActionSupport.imageReference(repository, parameter: "repository").description)
        }
        try await runReportingOutput(arguments)
    }

    /// `docker rmi [options] <image…>` → `output`.
    func removeImages() async throws {
        let options = try DockerOptionPolicy.rmi.arguments(try action.parameters.string("options"))
        let images = try action.parameters.string("image").split(separator: " ").map(String.init)
        guard !images.isEmpty else { throw ActionFailure("No image name(s) specified.") }
        var checked: [String] = []
        for image in images {
            checked.append(
                Self.isImageID(image) ? image : try ActionSupport.imageReference(image, parameter: "image").description
            )
        }
        try await refuseRegistryImage(checked)
        try await runReportingOutput(["rmi"] + options + checked)
    }

    /// Refuses to remove (or, with `--force`, untag) the image the registry runs from, by reference or id, as
    /// `clean-images` keeps it: an air-gapped unit could not pull it back to start the registry again.
    private func refuseRegistryImage(_ images: [String]) async throws {
        let config = try await charm.prepared(action.session).config
        var references: Set<String> = [config.registryImage]
        var imageID: String?
        do {
            if let container = try await charm.environment.docker.inspect(config.registryName) {
                references.insert(container.image)
                imageID = container.imageID
            }
        } catch {
            throw ActionFailure("Could not look up the \(config.registryName) container: \(error.description).")
        }
        for image in images {
            let isRegistryImage =
                references.contains(image)
                || (Self.isImageID(image) && imageID.map { Self.sameImageID(image, $0) } == true)
            if isRegistryImage {
                throw ActionFailure(
                    "The image \(ActionQuote.quoted(image)) is the one the registry runs from (registry-image); it is"
                        + " kept so that the registry can start again. Change registry-image first to remove it."
                )
            }
        }
    }

    /// Whether the id `given` (full or short, with or without `sha256:`) names the image `full` (`sha256:…`).
    static func sameImageID(_ given: String, _ full: String) -> Bool {
        let hex = given.hasPrefix("sha256:") ? String(given.dropFirst("sha256:".count)) : given
        let fullHex = full.hasPrefix("sha256:") ? String(full.dropFirst("sha256:".count)) : full
        return !hex.isEmpty && fullHex.hasPrefix(hex)
    }

    private func runReportingOutput(_ arguments: [String]) async throws {
        let result = try await charm.environment.docker.run(arguments, mergeOutput: true)
        guard result.succeeded else {
            throw ActionSupport.commandFailed(arguments, result)
        }
        action.set("output", result.standardOutput)
    }

    /// An image id as docker prints it: 12 to 64 lower-case hex digits, optionally after `sha256:`.
    static func isImageID(_ text: String) -> Bool {
        let hex = text.hasPrefix("sha256:") ? text.dropFirst("sha256:".count) : Substring(text)
        return (12...64).contains(hex.count) && hex.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }
}
