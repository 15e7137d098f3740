import JujuKit

/// The files the registry container mounts that the charm writes, checked cheaply on hooks that do not reconcile.
///
/// A file deleted by hand is harmless until the container restarts; then dockerd makes a directory at the missing
/// bind-mount source and the registry cannot start. Noticing it early lets the next hook put the file back.
enum OwnedFiles {
    /// The owned files that are missing or are not regular files (a directory), for `config`.
    static func damaged(
        config: CharmConfig,
        paths: HostPaths,
        writtenTLSFiles: [String],
        files: any FileSystem
    ) -> [String] {
        var expected = [paths.configFile] + writtenTLSFiles
        switch config.auth {
        case .basic: expected.append(paths.htpasswdFile)
        case .token: expected.append(paths.tokenBundleFile)
        case .accounts(let accounts):
            expected.append(paths.pushAccountsFile)
            if accounts.needsPullListener {
                expected.append(paths.pullConfigFile)
                if !accounts.anonymousPull { expected.append(paths.pullAccountsFile) }
            }
        case .none: break
        }
        if config.registryHTTPProxy != nil || config.registryHTTPSProxy != nil {
            expected.append(paths.environmentFile)
        }
        return expected.filter { !files.exists($0) || files.isDirectory($0) }
    }
}
