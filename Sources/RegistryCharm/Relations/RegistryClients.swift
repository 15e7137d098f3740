import JujuKit
import Logging

/// What clients of the `docker-registry` relation (containerd, docker) are told, every value JSON-encoded as the
/// reactive charm's interface does (`null` for "not set").
struct RegistryClientData: Equatable {
    /// `host:port` clients pull from.
    var netloc: String
    /// `http` or `https`, as the registry really serves.
    var scheme: String
    /// Basic-auth credentials, when basic auth is on.
    var basicUser: String?
    /// The basic-auth password (secret, but the interface carries it).
    var basicPassword: String?
    /// The CA clients verify the registry with (PEM), when it serves https.
    var ca: String?

    /// The databag: `registry_netloc`, `registry_url`, `basic_user`, `basic_password`, `tls_ca`.
    var databag: [String: String?] {
        [
            "registry_netloc": JSONText.encode(netloc),
            "registry_url": JSONText.encode("\(scheme)://\(netloc)"),
            "basic_user": JSONText.encode(basicUser),
            "basic_password": JSONText.encode(basicPassword),
            "tls_ca": JSONText.encode(scheme == "https" ? ca : nil),
        ]
    }
}

/// The `docker-registry` relation (provides): every unit tells every client how to reach and trust the registry.
struct RegistryClients {
    /// The endpoint name in metadata.yaml.
    static let endpoint = "docker-registry"

    let session: RegistrySession

    /// What clients are told: the least they need to pull.
    ///
    /// With pull-only accounts or anonymous pull (the pull listener runs), the pull listener's address and a
    /// pull-only account (none with anonymous pull): the push password never leaves the unit. Otherwise the
    /// registry's address and the basic or first push account, as the reactive charm did.
    static func data(config: CharmConfig, served: ServedRegistry, pullNetloc: String?) -> RegistryClientData {
        var data = RegistryClientData(
            netloc: served.netloc,
            scheme: served.scheme,
            basicUser: nil,
            basicPassword: nil,
            ca: served.ca.map { String(decoding: $0, as: UTF8.self) }
        )
        switch config.auth {
        case .basic(let user, let password):
            data.basicUser = user
            data.basicPassword = password
        case .accounts(let accounts):
            let account = pullNetloc == nil ? accounts.actionAccount : accounts.clientAccount
            if let pullNetloc { data.netloc = pullNetloc }
            data.basicUser = account?.user
            data.basicPassword = account?.password
        case .none, .token:
            break
        }
        return data
    }

    /// Publishes `data` on every relation of the endpoint where it changed; logs that it did, never the values.
    func publish(_ data: RegistryClientData) async throws {
        let relations = try await session.relations.ids(Self.endpoint)
        let publisher = RelationPublisher(session: session)
        var sent: [String] = []
        for relation in relations
        where try await publisher.publish(data.databag, on: relation, topic: Self.endpoint) {
            sent.append(relation)
        }
        publisher.forgetRelations(except: relations, topic: Self.endpoint)
        if !sent.isEmpty {
            session.logger.info(
                "sent the registry's address, URL, credentials and CA to \(sent.joined(separator: ", "))"
            )
        }
    }
}
