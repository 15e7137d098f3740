/// How the registry serves after this hook's reconcile: what clients, the proxy, nrpe and the status are told.
struct ServedRegistry: Equatable {
    /// `host:port` clients use (http-host's, the proxy's, or this unit's).
    var netloc: String
    /// `http` or `https`.
    var scheme: String
    /// Whether a reverse proxy fronts the registry.
    var proxied: Bool
    /// The CA clients verify the registry with (PEM), when it serves https.
    var ca: [UInt8]?
    /// Whether the registry requires client certificates signed by its CA.
    var clientCertificatesRequired: Bool
    /// The server certificate and key on the host, when it serves https.
    var serverPair: (certificate: String, key: String)?
    /// Whether clients must authenticate (basic or token auth).
    var authentication: Bool

    /// Whether the registry serves https.
    var https: Bool { scheme == "https" }

    static func == (lhs: ServedRegistry, rhs: ServedRegistry) -> Bool {
        lhs.netloc == rhs.netloc && lhs.scheme == rhs.scheme && lhs.proxied == rhs.proxied && lhs.ca == rhs.ca
            && lhs.clientCertificatesRequired == rhs.clientCertificatesRequired
            && lhs.serverPair?.certificate == rhs.serverPair?.certificate && lhs.serverPair?.key == rhs.serverPair?.key
            && lhs.authentication == rhs.authentication
    }
}
