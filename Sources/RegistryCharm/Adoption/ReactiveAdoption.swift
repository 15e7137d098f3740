import JujuKit
import Logging

/// Takes over what the reactive docker-registry charm (and its docker layer) left on the unit, before this charm
/// configures the registry for the first time (after `juju refresh`, the unit has no state of this charm).
///
/// * The reactive charm's `config.yml` holds the registry's `http.secret`. On Juju 3 the leader settings hold it too
///   and are preferred (see ``HTTPSecret``); on Juju 4, which has no leader settings, the leader takes it from this
///   file, so the secret survives the refresh either way. The secret is only read here; the file is replaced by the
///   reconcile like any other.
/// * With a valid configuration only (a configuration this charm refuses leaves the old registry and dockerd exactly
///   as they were, serving): the docker layer's `/etc/default/docker` loses its `DOCKER_OPTS` (now in
///   `daemon.json`: a flag given both ways stops dockerd from starting); the layer's proxy lines leave its
///   `docker.service` (this charm's 0600 drop-in carries the proxy), and an early layer's `ExecStart` drop-in goes;
///   the reactive charm's nrpe check files
///   (`check_check_http.cfg` and its exported service), which would keep a second, TLS-blind `check_http`, go.
///
/// The container, `config.yml`, htpasswd, TLS files, `/srv/registry` and `daemon.json` need nothing here: the
/// reconcile keeps an htpasswd that still verifies the password, re-creates the container once (it carries no spec
/// digest), keeps the data directory, and renders `daemon.json` whole (dropping an old `insecure-registries` entry).
struct ReactiveAdoption {
    let environment: CharmEnvironment

    /// The reactive charm's nrpe files for `unit` (the `nrpe-external-master` interface's names).
    static func nrpeFiles(unit: String, paths: HostPaths) -> [String] {
        let dashed = unit.replacing("/", with: "-")
        return [
            Path.join(paths.nrpeDirectory, "check_check_http.cfg"),
            Path.join(paths.nagiosExportDirectory, "service__\(dashed)_check_http.cfg"),
        ]
    }

    /// Looks for the reactive charm's remnants and takes them over; `configValid` says whether this charm will
    /// configure the registry in this hook.
    func run(_ session: RegistrySession, config: CharmConfig, configValid: Bool) async throws {
        let files = environment.files
        let paths = environment.paths
        // A directory there is what dockerd leaves at a missing bind-mount source: nothing to adopt (the reconcile
        // replaces it with the file).
        if !files.isDirectory(paths.configFile), let text = try files.readText(paths.configFile),
            let secret = ReactiveConfigFile.httpSecret(in: text)
        {
            session.secrets.register(secret)
            session.state.adoptedHTTPSecret = secret
        }
        guard configValid else { return }
        if let text = try files.readText(DockerDefaultsFile.path),
            let words = DockerDefaultsFile.layerOptions(in: text)
        {
            try files.write(DockerDefaultsFile.path, Array(DockerDefaultsFile.replacement.utf8), mode: .publicReadable)
            let flags = DockerDefaultsFile.flagNames(words)
            let message =
                flags.isEmpty
                ? "replaced the docker layer's \(DockerDefaultsFile.path)"
                : "removed the docker layer's DOCKER_OPTS (\(flags.joined(separator: " "))) from "
                    + "\(DockerDefaultsFile.path): docker-opts now goes to daemon.json, and dockerd refuses an "
                    + "option given both ways"
            session.logger.info("\(message)")
            let configured = Set(DockerDefaultsFile.flagNames(config.dockerOpts))
            let lost = flags.filter { !configured.contains($0) }
            if !lost.isEmpty {
                let names = lost.joined(separator: " ")
                session.logger.warning(
                    "the docker layer also passed \(names) to dockerd, which docker-opts does not hold: set them in daemon-opts if dockerd still needs them after its next restart"
                )
            }
        }
        var unitChanged = false
        if let text = try files.readText(LayerServiceFile.path), let cleaned = LayerServiceFile.withoutLayerProxy(text)
        {
            try files.write(LayerServiceFile.path, Array(cleaned.utf8), mode: .publicReadable)
            session.logger.info("removed the docker layer's proxy lines from \(LayerServiceFile.path)")
            unitChanged = true
        }
        let dropIn = Path.join(paths.dockerServiceDropInDirectory, LayerServiceFile.legacyDropIn)
        if let text = try files.readText(dropIn), LayerServiceFile.isLegacyDropIn(text) {
            try files.remove(dropIn)
            session.logger.info("removed the docker layer's drop-in \(dropIn)")
            unitChanged = true
        }
        if unitChanged, environment.host.systemdIsRunning {
            try await environment.runner.output(Command("systemctl", ["daemon-reload"]))
        }
        for path in Self.nrpeFiles(unit: session.context.unitName, paths: paths) where files.exists(path) {
            try files.remove(path)
            session.logger.info("removed the reactive charm's nrpe file \(path)")
        }
    }
}
