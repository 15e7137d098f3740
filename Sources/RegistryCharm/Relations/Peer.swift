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
    static func read(_ session: HookSession) async throws -> PeerMembers {
        let addresses = try await UnitAddresses.of(session)
        var peers: [(unit: String, data: [String: String])] = []
        if let relation = try await session.relations.ids(endpoint).first {
            peers = try await session.relations.remoteUnitBags(relation)
        }
        return from(localUnit: session.context.unitName, localAddress: addresses.privateAddress, peers: peers)
    }
}

/// The address a remote unit is reached on, from the keys Juju puts in every unit databag.
enum RelationAddress {
    /// `ingress-address`, else `private-address` (Juju 4 drops the latter), trimmed; `nil` when neither holds a
    /// host name or an IP address (anything else could end up in a netloc, a SAN or the haproxy stanza).
    static func of(_ data: [String: String]) -> String? {
        for key in ["ingress-address", "private-address"] {
            if let value = data[key]?.trimmingWhitespace(), isHostOrAddress(value) { return value }
        }
        return nil
    }

    /// Whether `text` is a DNS name, an IPv4 or an IPv6 address (letters, digits, `.`, `-`, `:`; at most 253).
    static func isHostOrAddress(_ text: String) -> Bool {
        text.count <= 253 && !text.hasPrefix("-") && !text.hasPrefix(".")
            && ASCIIWord.isMade(text, ofAlphanumericsAnd: ".-:")
    }
}
