import FoundationEssentials
import JujuKit
import Logging

/// The `cert-provider` relation (tls-certificates, requires): asks for this unit's server certificate and reads
/// what the provider (easyrsa, vault) sent back.
struct CertProvider {
    /// The endpoint name in metadata.yaml.
    static let endpoint = "cert-provider"

    let session: RegistrySession
    let config: CharmConfig
    let now: Date

    /// What the provider has given so far; the request is published (when it changed) once per hook.
    func receipt() async throws -> CertificateReceipt {
        if let known = session.state.certificateReceipt { return known }
        let found = try await run()
        session.state.certificateReceipt = found
        return found
    }

    /// Publishes the request when it changed and returns what the provider has given so far.
    private func run() async throws -> CertificateReceipt {
        guard let relation = try await session.relations.ids(Self.endpoint).first else { return .notRelated }
        let addresses = try await UnitAddresses.withPublic(session)
        let proxy = try await WebsiteProxy.read(session)
        let request = CertificateRequest(
            commonName: addresses.privateAddress,
            sans: CertificateRequest.sans(addresses: addresses, httpHost: config.httpHost, proxy: proxy),
            unitKey: CertificateRequest.unitKey(session.context.unitName)
        )
        let unit = session.context.unitName
        let published = try await session.relations.bag(relation, unit)
        let sent = try await RelationPublisher(session: session).publish(
            request.databag(published: published),
            on: relation,
            topic: Self.endpoint
        )
        if sent {
            session.logger.info(
                "requested a server certificate for \(request.commonName) (SANs: \(request.sans.joined(separator: ", ")))"
            )
        }
        let providerBags = try await session.relations.remoteUnitBags(relation).map(\.data)
        // The host clients are given (http-host's, the proxy's, else this unit's address): the certificate must
        // cover it.
        let clientHost = config.httpHost?.hostname ?? proxy.addresses.first ?? addresses.privateAddress
        let receipt = await CertificateReceipt.read(
            providerBags: providerBags,
            unitKey: request.unitKey,
            commonName: request.commonName,
            publishedCommonName: try await session.relations.bag(relation, unit)["common_name"],
            check: { certificate, key, ca in
                RelationCertificateCheck.problems(
                    certificatePEM: certificate,
                    keyPEM: key,
                    caPEM: ca,
                    clientHost: clientHost,
                    now: now
                )
            }
        )
        if session.dataChanged(WatchedData.certProviderReceipt, Self.summary(receipt)) {
            session.logger.info("cert-provider: \(Self.summary(receipt))")
        }
        return receipt
    }

    /// The receipt in words, without any key material (for logs).
    static func summary(_ receipt: CertificateReceipt) -> String {
        switch receipt {
        case .notRelated: return "not related"
        case .waiting: return "waiting for this unit's certificate"
        case .incomplete(let missing): return "incomplete data, missing \(missing.joined(separator: ", "))"
        case .unusable(let problems): return "certificate unusable: \(problems.joined(separator: "; "))"
        case .complete(let bundle):
            return "certificate received (\(bundle.certificate.count) bytes, CA \(bundle.ca.count) bytes)"
        }
    }

    /// The status a receipt calls for while the registry goes on without relation TLS; `nil` when none.
    static func status(for receipt: CertificateReceipt, configTLS: Bool) -> WorkloadStatus? {
        if configTLS { return nil }
        switch receipt {
        case .notRelated, .complete: return nil
        case .waiting: return .waiting("Waiting for a certificate from cert-provider.")
        case .incomplete: return .maintenance("Incomplete TLS data. Retrying.")
        case .unusable(let problems):
            return .waiting(
                "The certificate from cert-provider cannot be used (\(problems.joined(separator: "; "))); "
                    + "waiting for a new one."
            )
        }
    }
}
