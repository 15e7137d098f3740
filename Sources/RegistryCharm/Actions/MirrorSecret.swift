import JujuKit

/// The `mirror` action's `secret`: a Juju secret (granted to the application) whose content has `username` and
/// `password` for the upstream registries, and optionally `registry` to use them for that registry only.
///
/// The values never reach argv, logs or results: they are registered with the session's secret mask as soon as
/// they are read.
struct MirrorSecret {
    let action: RegistryActionContext

    /// Credentials for upstream registries.
    struct Credentials {
        var username: String
        var password: String
        /// The only registry they are for (`registry.example.com`), or `nil` for every upstream of the run.
        var registry: String?
    }

    /// The credentials the secret `uri` holds, or `nil` without one.
    func credentials(_ uri: String?) async throws -> Credentials? {
        guard let uri else { return nil }
        let content: [String: String]
        do {
            content = try await action.session.tools.secretGet(uri, refresh: false, peek: true)
        } catch let error where error.isUnreadable {
            throw ActionFailure(
                "The secret \(uri) cannot be read: run juju grant-secret \(uri) \(action.session.context.applicationName)."
            )
        } catch {
            throw ActionFailure("The secret \(uri) cannot be read: \(error.description).")
        }
        // Only the password is masked: the registry name must stay readable in the results.
        if let password = content["password"] { action.session.secrets.register(password) }
        guard let username = content["username"], let password = content["password"], !username.isEmpty,
            !password.isEmpty
        else {
            throw ActionFailure("The secret \(uri) must hold the keys username and password.")
        }
        let registry = content["registry"].flatMap { $0.isEmpty ? nil : $0 }
        return Credentials(username: username, password: password, registry: registry)
    }
}
