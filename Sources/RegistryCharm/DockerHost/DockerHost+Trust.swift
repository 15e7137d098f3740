import JujuKit

extension DockerHost {
    /// The local docker client's trust directory for `netloc` (`certs.d/<netloc>`); throws when `netloc` is not
    /// a valid netloc or is too long for a file name.
    public func trustDirectory(for netloc: String) throws(DockerHostError) -> String {
        try RegistryAddress.validateFileName(netloc)
        return Path.join(paths.dockerCertsDirectory, netloc)
    }

    /// Makes the local docker trust the registry at `netloc` over TLS, or forgets its TLS trust when `ca` is `nil`.
    ///
    /// With a CA: `certs.d/<netloc>/ca.crt` (0644), and when the registry requires client certificates, copies of
    /// the server pair as `client.cert` (0644) and `client.key` (0600); without them those two are removed. dockerd
    /// reads `certs.d` on every connection, so no daemon action is needed. Without TLS (`ca == nil`) the directory
    /// is removed; the caller then passes `netloc` in `insecureRegistries` to `applyDaemonConfiguration`, which
    /// reloads dockerd (never a restart).
    ///
    /// - Parameters:
    ///   - ca: the CA certificate (PEM) clients verify the registry with.
    ///   - clientCertificate: paths of the certificate and key the local client presents (the server pair).
    /// - Returns: whether any file changed.
    @discardableResult
    public func trust(
        netloc: String,
        ca: [UInt8]?,
        clientCertificate: (cert: String, key: String)?
    ) throws(DockerHostError) -> Bool {
        guard let ca else { return try untrust(netloc: netloc) }
        let directory = try trustDirectory(for: netloc)
        var changed = try update(Path.join(directory, "ca.crt"), ca, mode: .publicReadable)
        let certificatePath = Path.join(directory, "client.cert")
        let keyPath = Path.join(directory, "client.key")
        if let clientCertificate {
            guard let certificate = try read(clientCertificate.cert) else { throw .missingFile(clientCertificate.cert) }
            guard let key = try read(clientCertificate.key) else { throw .missingFile(clientCertificate.key) }
            changed = try update(certificatePath, certificate, mode: .publicReadable) || changed
            changed = try update(keyPath, key, mode: .ownerOnly) || changed
        } else {
            for path in [certificatePath, keyPath] where files.exists(path) {
                try remove(path)
                changed = true
            }
        }
        return changed
    }

    /// Removes `certs.d/<netloc>` and returns whether it existed.
    ///
    /// No daemon action is needed. A netloc an earlier revision accepted (``RegistryAddress/isLegacy(_:)``, such
    /// as `[evil:x]:5000`) is removed too, so a refresh never fails on what the last revision left.
    @discardableResult
    public func untrust(netloc: String) throws(DockerHostError) -> Bool {
        let directory: String
        if RegistryAddress.isLegacy(netloc) {
            guard netloc.utf8.count <= RegistryAddress.maximumFileNameLength else { return false }
            directory = Path.join(paths.dockerCertsDirectory, netloc)
        } else {
            directory = try trustDirectory(for: netloc)
        }
        guard files.exists(directory) else { return false }
        do { try files.removeTree(directory) } catch { throw .file(error) }
        return true
    }

    private func update(_ path: String, _ bytes: [UInt8], mode: FileMode) throws(DockerHostError) -> Bool {
        do { return try files.update(path, bytes, mode: mode) } catch { throw .file(error) }
    }
}
