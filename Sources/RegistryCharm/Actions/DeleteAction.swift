import JujuKit
import RegistryKit

/// `delete image=<repository>:<tag>|<repository>@<digest>`: removes a manifest through the registry's API.
///
/// The registry must run with `storage-delete=true`. Deleting a manifest removes every tag that points at it; the
/// layers stay on disk until `garbage-collect` runs. Results: `digest`, `repository`, `outcome`.
struct DeleteAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    func run() async throws {
        let text = try action.parameters.string("image")
        guard !text.isEmpty else { throw ActionFailure("Missing required image parameter.") }
        let reference = try ActionSupport.imageReference(text, parameter: "image")
        guard reference.domain == nil || reference.domain == ActionSupport.netloc(action.session) else {
            throw ActionFailure(
                "The image parameter \(ActionQuote.quoted(text)) names another registry; give repository:tag."
            )
        }
        guard reference.tag != nil || reference.digest != nil else {
            throw ActionFailure("The image parameter \(ActionQuote.quoted(text)) needs a :tag or an @digest.")
        }
        let config = try await charm.prepared(action.session).config
        guard config.storageDelete else {
            throw ActionFailure(
                "Deleting images needs storage-delete=true; set it with juju config, then run delete again."
            )
        }
        guard !config.storageReadOnly else {
            throw ActionFailure("The registry is read-only (storage-read-only=true), so nothing can be deleted.")
        }
        let repository = reference.path
        let api = try await RegistryAPIAccess(charm: charm, session: action.session).api()
        do {
            let digest: String
            if let given = reference.digest {
                digest = given
            } else {
                guard let manifest = try await api.manifest(repository, reference.tag ?? "latest") else {
                    throw ActionFailure(
                        "The registry has no image \(ActionQuote.bounded("\(repository):\(reference.tag ?? "latest")"))."
                    )
                }
                digest = manifest.digest
            }
            await action.log("Deleting manifest \(digest) of \(repository).")
            guard try await api.deleteManifest(repository, digest: digest) else {
                throw ActionFailure("The registry has no manifest \(digest) in \(repository).")
            }
            action.set("repository", repository)
            action.set("digest", digest)
            action.set("outcome", "success")
            await action.log("Deleted; run the garbage-collect action to free the space its layers use.")
        } catch let error as RegistryClientError {
            throw ActionFailure("Could not delete \(ActionQuote.bounded(text)): \(error.description).")
        }
    }
}
