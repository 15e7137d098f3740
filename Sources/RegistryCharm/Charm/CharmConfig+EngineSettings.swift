import JujuKit

extension CharmConfig {
    /// The docker engine settings these options ask for, with the model's proxy as fallback.
    func dockerHostSettings(modelProxy: ProxySettings) -> DockerHostSettings {
        let runtime: EngineRuntime
        switch dockerRuntime {
        case .auto: runtime = installFromUpstream ? .upstream : .auto
        case .apt: runtime = .apt
        case .upstream: runtime = .upstream
        case .nvidia: runtime = .nvidia
        case .custom:
            runtime = .custom(
                repo: dockerRuntimeRepo ?? "",
                keyURL: dockerRuntimeKeyURL ?? "",
                package: dockerRuntimePackage ?? ""
            )
        }
        return DockerHostSettings(
            runtime: runtime,
            installFromUpstream: installFromUpstream,
            dockerCEPackage: dockerCEPackage,
            nvidiaDockerPackage: nvidiaDockerPackage,
            nvidiaContainerRuntimePackage: nvidiaContainerRuntimePackage,
            cudaRepo: cudaRepo,
            daemonOptions: daemonOpts,
            dockerOpts: DockerOptsTranslator.join(dockerOpts),
            httpProxy: httpProxy,
            httpsProxy: httpsProxy,
            noProxy: noProxy,
            modelProxy: modelProxy,
            extraPackages: extraPackages,
            packageStatus: packageStatus == .hold ? .hold : .install,
            installSources: installSources,
            installKeys: installKeys,
            aptKeyServer: aptKeyServer,
            enableCgroups: enableCgroups
        )
    }
}
