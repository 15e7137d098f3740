import JujuKit

extension RegistryCharm {
    /// `Charm` conformance: the remote unit databags kept between hooks, and the keys the charm reads in each.
    ///
    /// The proxies' (`website`), the nrpe subordinate's and the peers' unit databags hold addresses and names only.
    /// `cert-provider` carries the unit's private key and `docker-registry` clients' data is never read, so neither is
    /// kept; application databags (the peers' one holds the http secret) never are. Only the keys named here are
    /// read or kept, so a unit that sets thousands of keys or a megabyte value cannot fill the unit state.
    public var rememberedRelationKeys: [String: Set<String>] {
        [
            WebsiteProxy.endpoint: Set(RelationAddress.keys),
            PeerMembers.endpoint: Set(RelationAddress.keys + [SharedCollection.requestKey]),
            Nrpe.endpoint: Set(NrpePlan.remoteKeys),
        ]
    }
}
