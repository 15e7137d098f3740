import FoundationEssentials
import JujuKit

/// The registry's API as this unit reaches it: the loopback address and the registry port, https trusting exactly the
/// certificate the charm serves (or its CA), the server pair doubling as client identity when the registry requires
/// client certificates (as for the local docker), and the basic-auth credentials from config.
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
        switch config.auth {
        case .none: break
        case .basic(let user, let password):
            let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
            session.secrets.register(encoded)
            authorization = "Basic \(encoded)"
        case .token:
            throw ActionFailure(
                "The registry uses token authentication, which this action cannot use; ask the token service instead."
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
