extension GarbageCollection {
    /// The collection of this unit's registry in `session`: progress to `log`, and the object-storage blobs it
    /// frees sized through the registry's API as this unit reaches it (``BlobSizes``).
    init(charm: RegistryCharm, session: RegistrySession, config: CharmConfig, log: @escaping (String) async -> Void) {
        let access = RegistryAPIAccess(charm: charm, session: session)
        self.init(
            environment: charm.environment,
            config: config,
            log: log,
            blobSizes: { digests in
                guard let api = try? await access.api() else { return nil }
                return await BlobSizes(api: api).total(of: digests)
            }
        )
    }
}
