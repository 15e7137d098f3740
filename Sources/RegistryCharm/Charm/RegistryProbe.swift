import JujuKit
import SystemLibraries

/// Asks the registry `GET /v2/` the way the charm configured it, and says whether it answers that way.
///
/// A registry serves as configured when TLS handshakes with exactly the certificate the charm serves (when https is
/// configured), and the answer is 401 when authentication is configured and 200 when it is not. Anything else (plain
/// http where https is configured, another certificate, 200 where auth is configured) is a mismatch: an image that
/// reads another configuration than the charm's, a registry not started from the charm's files, another process on
/// the port.
struct RegistryProbe {
    let transport: any RegistryTransport
    /// Waits the given milliseconds (a registry just started may not listen yet).
    let pause: @Sendable (Int) async -> Void

    /// How the charm configured the registry to answer.
    struct Expectation: Equatable {
        /// The port on the unit's loopback address.
        var port: Int
        /// `nil` for plain http; else the files the registry serves with (the client pins the certificate).
        var tls: ServedTLSFiles?
        /// Whether clients must authenticate (basic or token).
        var authentication: Bool
    }

    /// What the probe found.
    enum Verdict: Equatable {
        /// The registry answers as configured.
        case asConfigured
        /// It answers otherwise, as this lower-case clause says (`it answers plain http on port 5000 …`).
        case mismatch(String)
    }

    /// How long a registry that does not listen yet is waited for.
    static let attempts = 50
    static let stepMilliseconds = 100

    /// Probes the registry on 127.0.0.1.
    func check(_ expected: Expectation) async -> Verdict {
        let port = expected.port
        let endpoint = RegistryEndpoint(host: "127.0.0.1", port: port, tls: expected.tls?.clientTLS)
        let request = RegistryRequest("GET", "/v2/")
        var attempt = 0
        while true {
            attempt += 1
            do {
                let response = try await transport.send(request, to: endpoint)
                return Self.judge(response, expected)
            } catch .refused {
                guard attempt < Self.attempts else { return .mismatch("nothing answers on port \(port)") }
                await pause(Self.stepMilliseconds)
            } catch .clientCertificateRefused {
                // It presented exactly the certificate the charm serves and asks for client certificates, as
                // configured with a CA; the unit's own pair is not a client certificate (no clientAuth usage), so the
                // answer behind it cannot be read: TLS is as configured, and no client without a certificate of that
                // CA gets further.
                return .asConfigured
            } catch .transport(_, let reason) where expected.tls != nil {
                var plain = endpoint
                plain.tls = nil
                if (try? await transport.send(request, to: plain)) != nil {
                    return .mismatch("it answers plain http on port \(port) where https is configured")
                }
                return .mismatch("its TLS handshake on port \(port) fails: \(reason)")
            } catch {
                return .mismatch("\(error.description)")
            }
        }
    }

    /// Whether an answer to `GET /v2/` is the configured one.
    static func judge(_ response: RegistryResponse, _ expected: Expectation) -> Verdict {
        let port = expected.port
        if expected.tls == nil, response.status == 400,
            String(decoding: response.body, as: UTF8.self).contains("HTTPS server")
        {
            return .mismatch("it answers https on port \(port) where plain http is configured")
        }
        switch (expected.authentication, response.status) {
        case (true, 401), (false, 200):
            return .asConfigured
        case (true, 200):
            return .mismatch(
                "it answers GET /v2/ on port \(port) without asking for credentials where authentication is configured"
            )
        case (false, 401):
            return .mismatch("it asks for credentials on port \(port) where no authentication is configured")
        default:
            return .mismatch("it answers GET /v2/ on port \(port) with status \(response.status)")
        }
    }

    /// Keeps a verdict in the unit state (the mismatch the status shows, and the container it was found on).
    ///
    /// Returns the mismatch, if any.
    @discardableResult
    static func record(_ verdict: Verdict, container: String?, in session: RegistrySession) -> String? {
        session.values[StateKeys.probedContainer] = container.map(JSONValue.string)
        switch verdict {
        case .asConfigured:
            session.values[StateKeys.probeFailure] = nil
            return nil
        case .mismatch(let reason):
            session.values[StateKeys.probeFailure] = .string(reason)
            return reason
        }
    }
}

extension RegistryProbe.Expectation {
    /// What the charm configured: `scheme` as the last reconcile recorded it, TLS from the files the registry serves
    /// with (the CA, when there is one, makes the registry ask for client certificates), auth from `config`.
    ///
    /// `nil` when it serves https but the certificate cannot be read (the probe would prove nothing).
    init?(config: CharmConfig, scheme: String?, files: any FileSystem) {
        var tls: ServedTLSFiles?
        if scheme == "https" {
            guard let served = ServedTLSFiles.read(config.tls, files: files) else { return nil }
            tls = served
        }
        self.init(port: config.registryPort, tls: tls, authentication: config.auth != .none)
    }
}
