public import JujuKit

// Note (lead): named EngineRuntime/EnginePackageStatus because Config/ConfigEnums.swift already defines
// DockerRuntime/PackageStatus (the raw config options) in this module; keep these names.

/// Where the docker engine comes from (layer-docker's `docker_runtime`).
public enum EngineRuntime: Sendable, Equatable {
    /// Ubuntu's `docker.io`, unless an NVIDIA device is found on amd64 (then `.nvidia`).
    case auto
    /// Ubuntu's `docker.io` from the archive.
    case apt
    /// Docker's own apt repository and `docker-ce`.
    case upstream
    /// Docker's repository plus NVIDIA's container toolkit repository, with `nvidia` as the default runtime.
    case nvidia
    /// An operator-given repository: a `deb` line (`{ARCH}` and `{CODE}` are substituted), a key URL and a package.
    case custom(repo: String, keyURL: String, package: String)
}

/// What `package_status` asks of the docker packages.
public enum EnginePackageStatus: String, Sendable, Equatable {
    /// Installed and upgraded as usual.
    case install
    /// Installed, then held with `apt-mark hold`.
    case hold
}

/// Everything the docker host needs from the charm's configuration; the lead maps `CharmConfig` to it.
public struct DockerHostSettings: Sendable, Equatable {
    /// Where the engine comes from.
    public var runtime: EngineRuntime
    /// The legacy `install_from_upstream` switch: when set it means `.upstream`, whatever `runtime` says.
    public var installFromUpstream: Bool
    /// `docker-ce-package`: the (possibly pinned, `name=version`) docker-ce package for the nvidia runtime.
    public var dockerCEPackage: String
    /// `nvidia-docker-package`: the (possibly pinned) nvidia-docker2 package.
    public var nvidiaDockerPackage: String
    /// `nvidia-container-runtime-package`: the (possibly pinned) nvidia-container-runtime package.
    public var nvidiaContainerRuntimePackage: String
    /// `cuda_repo`: kept for compatibility; the charm installs no CUDA drivers (see `warnings`).
    public var cudaRepo: String
    /// `daemon-opts`, parsed: the operator's `daemon.json` object.
    public var daemonOptions: [String: JSONValue]
    /// `docker-opts`: legacy dockerd flags, mapped into `daemon.json` where an equivalent key exists.
    public var dockerOpts: String
    /// `http_proxy`; empty or `nil` falls back to the model's proxy.
    public var httpProxy: String?
    /// `https_proxy`; empty or `nil` falls back to the model's proxy.
    public var httpsProxy: String?
    /// `no_proxy`; empty or `nil` falls back to the model's proxy.
    public var noProxy: String?
    /// The model's proxy settings (`JUJU_CHARM_*_PROXY`).
    public var modelProxy: ProxySettings
    /// `extra_packages`, split on spaces.
    public var extraPackages: [String]
    /// `package_status`.
    public var packageStatus: EnginePackageStatus
    /// `install_sources`: deb lines, `ppa:` names or anything `add-apt-repository` accepts.
    public var installSources: [String]
    /// `install_keys`, parallel to `installSources`: an ASCII-armoured key, a key id, or empty/`null` for none.
    public var installKeys: [String]
    /// `apt-key-server`: where key ids from `installKeys` are looked up.
    public var aptKeyServer: String
    /// `enable-cgroups`: not acted on (see `warnings`).
    public var enableCgroups: Bool

    /// The original charm's `daemon-opts` default.
    public static let defaultDaemonOptions: [String: JSONValue] = [
        "log-driver": "json-file",
        "log-opts": .object(["max-size": "10m", "max-file": "100"]),
    ]

    /// Creates settings; every parameter defaults to the original charm's default.
    public init(
        runtime: EngineRuntime = .auto,
        installFromUpstream: Bool = false,
        dockerCEPackage: String = "docker-ce",
        nvidiaDockerPackage: String = "nvidia-docker2",
        nvidiaContainerRuntimePackage: String = "nvidia-container-runtime",
        cudaRepo: String = "",
        daemonOptions: [String: JSONValue] = DockerHostSettings.defaultDaemonOptions,
        dockerOpts: String = "",
        httpProxy: String? = nil,
        httpsProxy: String? = nil,
        noProxy: String? = nil,
        modelProxy: ProxySettings = ProxySettings(),
        extraPackages: [String] = [],
        packageStatus: EnginePackageStatus = .install,
        installSources: [String] = [],
        installKeys: [String] = [],
        aptKeyServer: String = "hkp://keyserver.ubuntu.com:80",
        enableCgroups: Bool = false
    ) {
        self.runtime = runtime
        self.installFromUpstream = installFromUpstream
        self.dockerCEPackage = dockerCEPackage
        self.nvidiaDockerPackage = nvidiaDockerPackage
        self.nvidiaContainerRuntimePackage = nvidiaContainerRuntimePackage
        self.cudaRepo = cudaRepo
        self.daemonOptions = daemonOptions
        self.dockerOpts = dockerOpts
        self.httpProxy = httpProxy
        self.httpsProxy = httpsProxy
        self.noProxy = noProxy
        self.modelProxy = modelProxy
        self.extraPackages = extraPackages
        self.packageStatus = packageStatus
        self.installSources = installSources
        self.installKeys = installKeys
        self.aptKeyServer = aptKeyServer
        self.enableCgroups = enableCgroups
    }

    /// The runtime asked for, with `install_from_upstream` applied (`.auto` is resolved at install time).
    public var requestedRuntime: EngineRuntime {
        installFromUpstream ? .upstream : runtime
    }

    /// The proxy dockerd should use: each charm option when non-empty, else the model's value.
    public var effectiveProxy: ProxySettings {
        func pick(_ option: String?, _ model: String?) -> String? {
            if let option, !option.trimmingWhitespace().isEmpty { return option.trimmingWhitespace() }
            if let model, !model.trimmingWhitespace().isEmpty { return model.trimmingWhitespace() }
            return nil
        }
        return ProxySettings(
            http: pick(httpProxy, modelProxy.http),
            https: pick(httpsProxy, modelProxy.https),
            noProxy: pick(noProxy, modelProxy.noProxy)
        )
    }

    /// Things the operator asked for that the charm does not do, each a lower-case sentence naming the option.
    ///
    /// The charm logs these once, when they change; none of them blocks the unit (what cannot be applied is a
    /// config problem instead, see `DockerOptsTranslator.Result.problems`).
    public var warnings: [String] {
        var messages = DockerOptsTranslator.translate(dockerOpts).ignored
        if enableCgroups {
            messages.append(
                "enable-cgroups is ignored: the charm never edits grub or reboots the machine "
                    + "(22.04 and later enable the memory controller already)"
            )
        }
        if !cudaRepo.isEmpty, requestedRuntime == .nvidia {
            messages.append("cuda_repo is ignored: the charm installs the nvidia container toolkit, not cuda drivers")
        }
        return messages
    }
}
