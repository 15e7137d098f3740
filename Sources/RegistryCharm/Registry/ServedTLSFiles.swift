import JujuKit

/// The TLS files the registry serves with, as the charm's own client must use them.
struct ServedTLSFiles: Equatable {
    /// The certificate file (leaf first), pinned by the client.
    var certificate: [UInt8]
    /// The server key; a secret, sent nowhere but into the TLS stack as the client identity.
    var key: [UInt8]?
    /// The CA file, when there is one: the registry then requires client certificates signed by it.
    var ca: [UInt8]?

    /// Reads the files at `paths`; `nil` when there is no certificate.
    static func read(_ paths: TLSOptions, files: any FileSystem) -> ServedTLSFiles? {
        guard let certificate = try? files.read(paths.certificatePath) else { return nil }
        return ServedTLSFiles(
            certificate: certificate,
            key: try? files.read(paths.keyPath),
            ca: try? files.read(paths.caPath)
        )
    }

    /// The client side: the served certificate pinned, its CA trusted, and, when the registry asks for client
    /// certificates (a CA is configured), the server pair as the client's identity.
    var clientTLS: RegistryEndpoint.TLS {
        RegistryEndpoint.TLS(
            trustedPEM: ca ?? [],
            pinnedPEM: certificate,
            clientCertificatePEM: ca == nil ? nil : certificate,
            clientKeyPEM: ca == nil ? nil : key
        )
    }
}
