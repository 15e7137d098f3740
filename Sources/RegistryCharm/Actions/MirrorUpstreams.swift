import RegistryKit
import SystemLibraries

/// The registries a `mirror` run reads from: one client per registry name, sharing the trust store, proxy and
/// (where they apply) the secret's credentials.
final class MirrorUpstreams {
    let tls: HTTPTLS
    let proxy: HTTPProxy?
    let credentials: MirrorSecret.Credentials?
    private var sources: [String: RegistrySource] = [:]

    init(tls: HTTPTLS, proxy: HTTPProxy?, credentials: MirrorSecret.Credentials?) {
        self.tls = tls
        self.proxy = proxy
        self.credentials = credentials
    }

    /// The source for the registry `name` (`docker.io`, `registry.k8s.io`).
    func source(for name: String) -> RegistrySource {
        if let known = sources[name] { return known }
        var host = RegistryHost.named(name, tls: tls, proxy: proxy)
        if let credentials, credentials.registry == nil || credentials.registry == name {
            host.credentials = RegistryHost.Credentials(
                username: credentials.username,
                password: credentials.password
            )
        }
        let source = RegistrySource(RemoteRegistry(host: host))
        sources[name] = source
        return source
    }
}
