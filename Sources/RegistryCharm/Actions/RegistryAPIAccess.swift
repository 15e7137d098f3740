import FoundationEssentials
import JujuKit

/// The registry's API as this unit reaches it: the loopback address and the registry port, https trusting exactly the
/// certificate the charm serves (or its CA), the server pair doubling as client identity when the registry requires
/// client certificates (as for the local docker), and the credentials of the basic-auth or first push account.
struct RegistryAPIAccess {
    let charm: RegistryCharm
    let session: RegistrySession

    /// The API client.
    func api() async throws -> RegistryAPI {
        RegistryAPI(transport: charm.environment.registryTransport, endpoint: try await endpoint())
    }

    /// The endpoint; fails with a sentence when the registry uses token auth (the charm holds no token).
    func endpoint() async throws -> RegistryEndpoint {
        let config = try await charm.prepared(session).config
        var authorization: String?
        if case .token = config.auth {
            throw ActionFailure(
                "The registry uses token authentication, which this action cannot use; ask the token service instead."
            )
        }
        if let credentials = config.auth.actionCredentials {
            let encoded = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            session.secrets.register(encoded)
            authorization = "Basic \(encoded)"
        } else if config.auth.usesAccounts {
            throw ActionFailure(
                "Every push account of auth-accounts is a bcrypt hash; add one as user:password so that the charm's"
                    + " actions can use the registry."
            )
        }
        var tls: RegistryEndpoint.TLS?
        if session.values[StateKeys.scheme]?.stringValue == "https" {
            let paths = config.tls
            guard let served = ServedTLSFiles.read(paths, files: charm.environment.files) else {
                throw ActionFailure(
                    "The registry serves https but its certificate \(paths.certificatePath) is missing."
                )
            }
            tls = served.clientTLS
        }
        return RegistryEndpoint(
            host: "127.0.0.1",
            port: config.registryPort,
            tls: tls,
            authorization: authorization
        )
    }
}
