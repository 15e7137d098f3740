extension HookSession {
    /// `secret-get` of `uri` (see ``HookTools/secretGet(_:refresh:peek:)``), every value registered with
    /// ``secrets`` so that no log line, status or action result can show it.
    public func readSecret(_ uri: String, refresh: Bool = false, peek: Bool = false) async throws(SecretError)
        -> [String: String]
    {
        let content = try await tools.secretGet(uri, refresh: refresh, peek: peek)
        for value in content.values { secrets.register(value) }
        return content
    }

    /// `secret-get --label` (see ``HookTools/secretGet(label:refresh:peek:)``), every value registered with
    /// ``secrets``.
    public func readSecret(label: String, refresh: Bool = false, peek: Bool = false) async throws(SecretError)
        -> [String: String]
    {
        let content = try await tools.secretGet(label: label, refresh: refresh, peek: peek)
        for value in content.values { secrets.register(value) }
        return content
    }
}
