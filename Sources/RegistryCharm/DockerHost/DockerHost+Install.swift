import JujuKit

/// A docker runtime with `auto` decided.
enum ResolvedRuntime: Equatable {
    case apt, upstream, nvidia
    case custom(repo: String, keyURL: String, package: String)
}

extension DockerHost {
    /// Docker's apt repository root; the distribution id (`ubuntu`, `debian`) is appended.
    static let dockerRepository = "https://download.docker.com/linux"
    /// NVIDIA's container toolkit repository root; `/<arch> /` is appended.
    static let nvidiaRepository = "https://nvidia.github.io/libnvidia-container/stable/deb"
    /// NVIDIA's signing key.
    static let nvidiaKeyURL = "https://nvidia.github.io/libnvidia-container/gpgkey"

    /// Installs the docker engine when it is not answering, then waits until it answers.
    ///
    /// In order: resolve `auto` (NVIDIA device on amd64 → nvidia, else apt), add `install_sources` with their keys,
    /// add the runtime's repository and key, `apt-get update`, install the runtime's packages and `extra_packages`,
    /// `apt-mark hold` the engine packages (always, as the docker layer did) and `extra_packages` (when
    /// `package_status` is `hold`), start docker (systemd), add the `ubuntu` user to the `docker` group when there is
    /// one (as the docker layer did), wait. When the engine already answers, nothing but the probe runs.
    ///
    /// - Parameter progress: receives maintenance messages (the original charm's wording where it had one).
    public func install(
        _ settings: DockerHostSettings,
        progress: (String) async -> Void
    ) async throws(DockerHostError) {
        if await isAnswering() { return }
        let runtime = try await resolve(settings)
        switch runtime {
        case .apt: await progress("Installing docker.io from universe.")
        case .upstream: await progress("Installing docker-ce from upstream PPA.")
        case .nvidia: await progress("Installing docker-engine from Nvidia PPA.")
        case .custom: await progress("Installing Docker from custom repository.")
        }
        let packages = Self.packages(of: runtime, settings)
        try await addInstallSources(settings)
        try await addRuntimeRepository(runtime, settings)
        try await apt(["update", "-q"], settings, what: "the package lists")
        let all = packages + settings.extraPackages.filter { !packages.contains($0) }
        try await apt(
            ["install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", "-o", "DPkg::Lock::Timeout=300"] + all,
            settings,
            what: all.joined(separator: ", ")
        )
        try await hold(settings.packageStatus == .hold ? all : packages)
        if systemdIsRunning {
            do {
                try await runner.output(Command("systemctl", ["enable", "--now", "docker"]))
            } catch {
                throw .installFailed(what: "the docker service", reason: error.description)
            }
        }
        try await addDockerGroupMember()
        try await waitUntilAnswering(after: "installing \(packages.joined(separator: ", "))")
    }

    /// Adds `install_sources` and installs `extra_packages`, whether or not the engine was just installed.
    ///
    /// The packages are held with `package_status: hold`. Runs nothing when both options are empty; each call with
    /// sources runs `apt-get update`, so call it when those options change, not on every hook.
    public func installExtraPackages(
        _ settings: DockerHostSettings,
        progress: (String) async -> Void
    ) async throws(DockerHostError) {
        guard !settings.extraPackages.isEmpty || !settings.installSources.isEmpty else { return }
        try await addInstallSources(settings)
        try await apt(["update", "-q"], settings, what: "the package lists")
        guard !settings.extraPackages.isEmpty else { return }
        await progress("Installing \(settings.extraPackages.joined(separator: ","))")
        try await apt(
            ["install", "-y", "-q", "-o", "Dpkg::Options::=--force-confold", "-o", "DPkg::Lock::Timeout=300"]
                + settings.extraPackages,
            settings,
            what: settings.extraPackages.joined(separator: ", ")
        )
        if settings.packageStatus == .hold { try await hold(settings.extraPackages) }
    }

    /// `settings.requestedRuntime` with `auto` decided by `dpkg --print-architecture` and `lspci -nnk`.
    func resolve(_ settings: DockerHostSettings) async throws(DockerHostError) -> ResolvedRuntime {
        switch settings.requestedRuntime {
        case .apt: return .apt
        case .upstream: return .upstream
        case .nvidia: return .nvidia
        case .custom(let repo, let keyURL, let package):
            let options = [
                (repo, "docker_runtime_repo"), (keyURL, "docker_runtime_key_url"), (package, "docker_runtime_package"),
            ]
            for (value, name) in options where value.trimmingWhitespace().isEmpty {
                throw .incompleteCustomRuntime(missing: name)
            }
            return .custom(
                repo: repo.trimmingWhitespace(),
                keyURL: keyURL.trimmingWhitespace(),
                package: package.trimmingWhitespace()
            )
        case .auto:
            guard (try? await architecture()) == "amd64",
                let devices = try? await runner.run(Command("lspci", ["-nnk"])), devices.succeeded,
                devices.standardOutput.lowercased().contains("nvidia")
            else { return .apt }
            return .nvidia
        }
    }

    /// The dpkg architecture, such as `amd64`.
    func architecture() async throws(DockerHostError) -> String {
        do {
            return try await runner.output(Command("dpkg", ["--print-architecture"])).trimmingWhitespace()
        } catch {
            throw .command(error)
        }
    }

    func osRelease() throws(DockerHostError) -> OSRelease {
        OSRelease(try read(paths.osRelease).map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    /// Writes the runtime's source list and key (nothing for `apt`).
    func addRuntimeRepository(
        _ runtime: ResolvedRuntime,
        _ settings: DockerHostSettings
    ) async throws(DockerHostError) {
        switch runtime {
        case .apt:
            return
        case .upstream, .nvidia:
            let arch = try await architecture()
            let release = try osRelease()
            guard !release.codename.isEmpty else {
                throw .installFailed(what: "docker's repository", reason: "'\(paths.osRelease)' names no codename")
            }
            let repository = "\(Self.dockerRepository)/\(release.id)"
            let keyring = try await fetchKey(from: "\(repository)/gpg", named: "docker", settings)
            let line = "deb [arch=\(arch) signed-by=\(keyring)] \(repository) \(release.codename) stable"
            try writeSource(named: "docker", lines: [line])
            if runtime == .nvidia {
                let nvidiaKeyring = try await fetchKey(
                    from: Self.nvidiaKeyURL,
                    named: "nvidia-container-toolkit",
                    settings
                )
                try writeSource(
                    named: "nvidia-container-toolkit",
                    lines: ["deb [signed-by=\(nvidiaKeyring)] \(Self.nvidiaRepository)/\(arch) /"]
                )
            }
        case .custom(let repo, let keyURL, _):
            let arch = try await architecture()
            let codename = try osRelease().codename
            let line = repo.trimmingWhitespace()
                .replacing("{ARCH}", with: arch)
                .replacing("{CODE}", with: codename)
            guard let parsed = AptSourceLine(line) else {
                throw .installFailed(what: "docker_runtime_repo", reason: "'\(line)' is not a deb line")
            }
            let keyring = try await fetchKey(from: keyURL, named: "docker", settings)
            try writeSource(named: "docker", lines: [parsed.signed(by: keyring).text])
        }
    }

    /// Adds each of `install_sources`: deb lines to their own list (signed by their key when one is given), anything
    /// else through `add-apt-repository` (PPAs bring their key from Launchpad).
    func addInstallSources(_ settings: DockerHostSettings) async throws(DockerHostError) {
        for (index, rawSource) in settings.installSources.enumerated() {
            let source = rawSource.trimmingWhitespace()
            guard !source.isEmpty else { continue }
            let key = index < settings.installKeys.count ? settings.installKeys[index].trimmingWhitespace() : ""
            let name = "charm-install-source-\(index)"
            guard var line = AptSourceLine(source) else {
                do {
                    let command = Command("add-apt-repository", ["--yes", source], environment: env(settings))
                    try await runner.output(command)
                } catch {
                    throw .installFailed(what: "install source '\(source)'", reason: error.description)
                }
                continue
            }
            if !key.isEmpty, key != "null" {
                line = line.signed(by: try await installKey(key, named: name, settings))
            }
            try writeSource(named: name, lines: [line.text])
        }
    }

    /// Stores an `install_keys` entry (armoured key, or key id fetched from `apt-key-server`); returns its keyring.
    func installKey(_ key: String, named name: String, _ settings: DockerHostSettings) async throws(DockerHostError)
        -> String
    {
        let keyring = Path.join(paths.aptKeyringDirectory, "\(name).asc")
        if key.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
            try write(keyring, Array((key + "\n").utf8))
            return keyring
        }
        let id = key.hasPrefix("0x") ? String(key.dropFirst(2)) : key
        guard id.count >= 8, id.count <= 40, id.allSatisfy(\.isHexDigit) else {
            throw .installFailed(what: "install key \(name)", reason: "it is neither an armoured key nor a key id")
        }
        do {
            let home = try await runner.output(Command("mktemp", ["-d"])).trimmingWhitespace()
            defer { try? files.removeTree(home) }
            let gpg = ["--batch", "--homedir", home]
            let receive = gpg + ["--keyserver", settings.aptKeyServer, "--recv-keys", id]
            try await runner.output(Command("gpg", receive, environment: env(settings)))
            let armoured = try await runner.output(Command("gpg", gpg + ["--armor", "--export", id]))
            guard armoured.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----") else {
                throw CommandError.failed(command: "gpg --export \(id)", exitCode: 0, message: "no key exported")
            }
            try write(keyring, Array(armoured.utf8))
        } catch {
            throw .installFailed(what: "key \(id) from \(settings.aptKeyServer)", reason: "\(error)")
        }
        return keyring
    }

    /// Downloads a signing key into the apt keyrings directory and returns its path (`.asc` when armoured, else
    /// `.gpg`, as apt tells them apart by extension).
    func fetchKey(from url: String, named name: String, _ settings: DockerHostSettings) async throws(DockerHostError)
        -> String
    {
        let curl = ["-fsSL", "--retry", "3"]
        do {
            let text = try await runner.output(Command("curl", curl + [url], environment: proxyEnv(settings)))
            if text.hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
                let keyring = Path.join(paths.aptKeyringDirectory, "\(name).asc")
                try write(keyring, Array(text.utf8))
                return keyring
            }
            // A binary key does not survive text decoding: let curl write it.
            let keyring = Path.join(paths.aptKeyringDirectory, "\(name).gpg")
            do {
                try files.createDirectory(paths.aptKeyringDirectory, mode: .publicDirectory)
            } catch {
                throw DockerHostError.file(error)
            }
            try await runner.output(Command("curl", curl + ["-o", keyring, url], environment: proxyEnv(settings)))
            return keyring
        } catch let error as CommandError {
            throw .installFailed(what: "the key at \(url)", reason: error.description)
        } catch let error as DockerHostError {
            throw error
        } catch {
            throw .installFailed(what: "the key at \(url)", reason: "\(error)")
        }
    }

    func writeSource(named name: String, lines: [String]) throws(DockerHostError) {
        let path = Path.join(paths.aptSourcesDirectory, "\(name).list")
        _ = try updateFile(path, Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func updateFile(_ path: String, _ bytes: [UInt8]) throws(DockerHostError) -> Bool {
        do { return try files.update(path, bytes, mode: .publicReadable) } catch { throw .file(error) }
    }

    func apt(_ arguments: [String], _ settings: DockerHostSettings, what: String) async throws(DockerHostError) {
        do {
            try await runner.output(Command("apt-get", arguments, environment: env(settings)))
        } catch {
            throw .installFailed(what: what, reason: error.description)
        }
    }

    /// `apt-mark hold` of the package names (pins such as `docker-ce=5:27.0` are stripped).
    func hold(_ packages: [String]) async throws(DockerHostError) {
        let names = packages.map { String($0.split(separator: "=", maxSplits: 1).first ?? Substring($0)) }
        do {
            try await runner.output(Command("apt-mark", ["hold"] + names))
        } catch {
            throw .installFailed(what: "a hold on \(names.joined(separator: ", "))", reason: error.description)
        }
    }

    /// apt's environment: non-interactive, through the configured proxy.
    func env(_ settings: DockerHostSettings) -> [String: String] {
        proxyEnv(settings).merging(["DEBIAN_FRONTEND": "noninteractive"]) { $1 }
    }

    /// The proxy variables for downloads, when a proxy is configured.
    func proxyEnv(_ settings: DockerHostSettings) -> [String: String] {
        let proxy = settings.effectiveProxy
        var environment: [String: String] = [:]
        if let http = proxy.http { environment["http_proxy"] = http }
        if let https = proxy.https { environment["https_proxy"] = https }
        if let noProxy = proxy.noProxy { environment["no_proxy"] = noProxy }
        return environment
    }
}
