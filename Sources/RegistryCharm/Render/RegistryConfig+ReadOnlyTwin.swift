extension RegistryConfig {
    /// The configuration of the read-only twin that serves the registry's port while the garbage collector runs.
    ///
    /// See ``ReadOnlyWindow``: the same storage, auth, TLS and secret, with `storage.maintenance.readonly` on (pulls
    /// served, pushes refused by the registry itself) and no debug listener (the registry's own would clash with it).
    /// The twin's port is given at its start (`REGISTRY_HTTP_ADDR`), as a free one is found only then.
    public var readOnlyTwin: RegistryConfig {
        var twin = self
        twin.http.debug = nil
        twin.storage.maintenance = Storage.Maintenance(readonly: Storage.Enabled(enabled: true))
        return twin
    }
}

extension RegistryConfig {
    /// The configuration of the pull listener (see ``PullListener``): the read-only twin's, listening on `port`.
    ///
    /// Render it from inputs whose `htpasswdPath` is the pull accounts' file, or `nil` for anonymous pull (no auth).
    public func pullListener(port: Int) -> RegistryConfig {
        var listener = readOnlyTwin
        listener.http.addr = ":\(port)"
        return listener
    }
}
