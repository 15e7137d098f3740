import JujuKit

/// The reverse proxies (haproxy) related over `website`, as clients must see the registry behind them.
struct WebsiteProxy: Equatable {
    /// The endpoint name in metadata.yaml.
    static let endpoint = "website"

    /// The proxy units' addresses, in unit order across relations; empty when no proxy unit has joined.
    var addresses: [String]

    /// Whether the registry is proxied.
    var isProxying: Bool { !addresses.isEmpty }

    /// The netloc clients use through the proxy: its first unit's address and the registry port (the haproxy
    /// charm listens on the `service_port` the stanza gives, which is `registry-port`).
    func netloc(port: Int) -> String? {
        addresses.first.map { RegistryNetloc.join(host: $0, port: port) }
    }

    /// The proxies as this hook sees them; a proxy unit whose address is refused (``RelationAddress``) is left
    /// out and noted in ``RefusedRelationData``.
    static func read(_ session: RegistrySession) async throws -> WebsiteProxy {
        if let known = session.state.websiteProxy { return known }
        var addresses: [String] = []
        for relation in try await session.relations.ids(endpoint) {
            for (unit, data) in try await session.relations.remoteUnitBags(relation) {
                RelationAddress.noteRefused(data, session: session, relation: relation, unit: unit)
                if let address = RelationAddress.of(data), !addresses.contains(address) { addresses.append(address) }
            }
        }
        RefusedRelationData.settle(session, endpoint: endpoint)
        let proxy = WebsiteProxy(addresses: addresses)
        session.state.websiteProxy = proxy
        return proxy
    }
}

/// The network location (`host:port`) clients use to reach the registry.
enum RegistryNetloc {
    /// `host:port`, with an IPv6 address in brackets.
    static func join(host: String, port: Int) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The netloc in order of precedence: `http-host`'s, the proxy's, else this unit's address and port.
    static func choose(httpHost: ParsedURL?, proxy: WebsiteProxy, address: String, port: Int) -> String {
        if let httpHost { return httpHost.hostAndPort }
        if let proxied = proxy.netloc(port: port) { return proxied }
        return join(host: address, port: port)
    }
}
