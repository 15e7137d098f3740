import JujuKit

/// The application's units as the `peer` relation shows them: this unit and every peer that joined.
struct PeerMembers: Equatable {
    /// One unit and the address other machines reach it on.
    struct Member: Equatable, Sendable {
        /// The unit name (`docker-registry/2`).
        var unit: String
        /// Its address (the peer's `ingress-address`, else its `private-address`).
        var address: String
    }

    /// Every unit, sorted by unit number (`/10` after `/2`).
    var members: [Member]

    /// The endpoint name in metadata.yaml.
    static let endpoint = "peer"

    /// Builds the list from this unit and the peers' databags; a peer without an address is left out.
    static func from(localUnit: String, localAddress: String, peers: [(unit: String, data: [String: String])])
        -> PeerMembers
    {
        var members = [Member(unit: localUnit, address: localAddress)]
        for peer in peers where peer.unit != localUnit {
            guard let address = RelationAddress.of(peer.data) else { continue }
            members.append(Member(unit: peer.unit, address: address))
        }
        members.sort { UnitName.precedes($0.unit, $1.unit) }
        return PeerMembers(members: members)
    }

    /// The members as this hook sees them.
    static func read(_ session: RegistrySession) async throws -> PeerMembers {
        let addresses = try await UnitAddresses.of(session)
        var peers: [(unit: String, data: [String: String])] = []
        if let relation = try await session.relations.ids(endpoint).first {
            peers = try await session.relations.remoteUnitBags(relation)
            for peer in peers {
                RelationAddress.noteRefused(peer.data, session: session, relation: relation, unit: peer.unit)
            }
        }
        RefusedRelationData.settle(session, endpoint: endpoint)
        return from(localUnit: session.context.unitName, localAddress: addresses.privateAddress, peers: peers)
    }
}
