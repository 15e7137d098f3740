import JujuKit

extension RegistryCharm {
    /// `Charm` conformance: the remote unit databags kept between hooks.
    ///
    /// The proxies' (`website`), the nrpe subordinate's and the peers' unit databags hold addresses and names only.
    /// `cert-provider` carries the unit's private key and `docker-registry` clients' data is never read, so neither is
    /// kept; application databags (the peers' one holds the http secret) never are.
    public var rememberedRelationEndpoints: Set<String> {
        [WebsiteProxy.endpoint, Nrpe.endpoint, PeerMembers.endpoint]
    }
}
