import JujuKit

/// Where the TLS files may go: the rules that keep `tls-*-path` from overwriting the charm's own files or the
/// machine's, checked before anything is written.
///
/// The syntax (absolute, normalised, no `:` or `,`) is checked when the option is read (`CharmConfig.absolutePath`);
/// these rules need the machine's paths.
enum TLSPathRules {
    /// Directories inside the container or on the host that a TLS file must not land in (a bind mount there would
    /// hide the registry's binary or libraries, or a write there would change the system).
    static let systemDirectories = [
        "/proc", "/sys", "/dev", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/usr/bin", "/usr/sbin", "/usr/lib",
    ]

    /// One problem per `tls-*-path` option that may not be used, naming the option.
    static func problems(_ tls: TLSOptions, paths: HostPaths, containerDataDirectory: String) -> [ConfigProblem] {
        let ownFiles = [
            paths.configFile, paths.htpasswdFile, paths.tokenBundleFile, paths.environmentFile, paths.daemonJSON,
            paths.dockerPIDFile, paths.passwdFile,
        ]
        let ownDirectories = [
            paths.dataDirectory, containerDataDirectory, paths.dockerCertsDirectory,
            paths.dockerServiceDropInDirectory, paths.nrpeDirectory, paths.nagiosExportDirectory,
            paths.nagiosClientDirectory, paths.aptSourcesDirectory, paths.aptKeyringDirectory,
        ]
        let options = [
            ("tls-ca-path", tls.caPath), ("tls-cert-path", tls.certificatePath), ("tls-key-path", tls.keyPath),
        ]
        var problems: [ConfigProblem] = []
        for (index, (option, path)) in options.enumerated() {
            let advice = "choose another path such as /etc/docker/registry/" + Path.basename(of: defaultPath(option))
            if let same = options[..<index].first(where: { $0.1 == path }) {
                // Blame the option the operator changed, when only one of the two was.
                let blamed = path == defaultPath(option) ? (same.0, option) : (option, same.0)
                problems.append(.init(option: blamed.0, message: "is the same path as \(blamed.1): \(advice)"))
            } else if ownFiles.contains(path) {
                problems.append(.init(option: option, message: "is the charm's own file \(path): \(advice)"))
            } else if let directory = (ownDirectories + systemDirectories).first(where: { isInside(path, $0) }) {
                problems.append(.init(option: option, message: "is inside \(directory): \(advice)"))
            } else if let inside = (ownFiles + ownDirectories).first(where: { isInside($0, path) }) {
                problems.append(
                    .init(option: option, message: "is a directory holding \(inside), not a file path: \(advice)")
                )
            }
        }
        return problems
    }

    /// Whether `path` is `directory` or below it.
    static func isInside(_ path: String, _ directory: String) -> Bool {
        path == directory || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
    }

    private static func defaultPath(_ option: String) -> String {
        CharmOptions.spec(option)?.defaultValue.stringValue ?? "/etc/docker/registry/registry.crt"
    }
}
