import JujuKit

/// Where the charm keeps things on the machine.
///
/// Every path is absolute; tests may root them elsewhere.
public struct HostPaths: Sendable, Equatable {
    /// The registry's configuration directory (`/etc/docker/registry`).
    public var registryDirectory: String
    /// Image storage for the filesystem driver (`/srv/registry`), kept when the charm is removed.
    public var dataDirectory: String
    /// dockerd's configuration file (`/etc/docker/daemon.json`).
    public var daemonJSON: String
    /// Per-registry client trust for the local docker (`/etc/docker/certs.d`).
    public var dockerCertsDirectory: String
    /// systemd drop-ins for dockerd (`/etc/systemd/system/docker.service.d`).
    public var dockerServiceDropInDirectory: String
    /// dockerd's pid file, used to reload it where systemd is absent (`/var/run/docker.pid`).
    public var dockerPIDFile: String
    /// Apt source lists (`/etc/apt/sources.list.d`).
    public var aptSourcesDirectory: String
    /// Apt keyrings (`/etc/apt/keyrings`).
    public var aptKeyringDirectory: String
    /// nrpe's command definitions (`/etc/nagios/nrpe.d`).
    public var nrpeDirectory: String
    /// Service definitions the nrpe charm exports to Nagios (`/var/lib/nagios/export`).
    public var nagiosExportDirectory: String
    /// Copies of the client pair the nrpe check presents under mutual TLS, readable by nagios
    /// (`/etc/nagios/docker-registry`).
    public var nagiosClientDirectory: String
    /// The user database, to find the nagios user (`/etc/passwd`).
    public var passwdFile: String
    /// Exists when systemd is PID 1 (`/run/systemd/system`, as `sd_booted(3)` checks).
    public var systemdRuntimeDirectory: String
    /// The distribution's identity: `ID` and `VERSION_CODENAME` (`/etc/os-release`).
    public var osRelease: String
    /// The nvidia runtime binary; with `docker_runtime=auto` the runtime is registered when it exists.
    public var nvidiaContainerRuntime: String
    /// Where the registry's log is linked for log collectors (see ``RegistryLogFile``).
    public var logDirectory: String

    /// Creates paths.
    public init(
        registryDirectory: String = "/etc/docker/registry",
        dataDirectory: String = "/srv/registry",
        daemonJSON: String = "/etc/docker/daemon.json",
        dockerCertsDirectory: String = "/etc/docker/certs.d",
        dockerServiceDropInDirectory: String = "/etc/systemd/system/docker.service.d",
        dockerPIDFile: String = "/var/run/docker.pid",
        aptSourcesDirectory: String = "/etc/apt/sources.list.d",
        aptKeyringDirectory: String = "/etc/apt/keyrings",
        nrpeDirectory: String = "/etc/nagios/nrpe.d",
        nagiosExportDirectory: String = "/var/lib/nagios/export",
        nagiosClientDirectory: String = "/etc/nagios/docker-registry",
        passwdFile: String = "/etc/passwd",
        systemdRuntimeDirectory: String = "/run/systemd/system",
        osRelease: String = "/etc/os-release",
        nvidiaContainerRuntime: String = "/usr/bin/nvidia-container-runtime",
        logDirectory: String = "/var/log/docker-registry"
    ) {
        self.registryDirectory = registryDirectory
        self.dataDirectory = dataDirectory
        self.daemonJSON = daemonJSON
        self.dockerCertsDirectory = dockerCertsDirectory
        self.dockerServiceDropInDirectory = dockerServiceDropInDirectory
        self.dockerPIDFile = dockerPIDFile
        self.aptSourcesDirectory = aptSourcesDirectory
        self.aptKeyringDirectory = aptKeyringDirectory
        self.nrpeDirectory = nrpeDirectory
        self.nagiosExportDirectory = nagiosExportDirectory
        self.nagiosClientDirectory = nagiosClientDirectory
        self.passwdFile = passwdFile
        self.systemdRuntimeDirectory = systemdRuntimeDirectory
        self.osRelease = osRelease
        self.nvidiaContainerRuntime = nvidiaContainerRuntime
        self.logDirectory = logDirectory
    }

    /// The rendered registry configuration.
    public var configFile: String { Path.join(registryDirectory, "config.yml") }
    /// The configuration of the read-only twin that serves while the garbage collector runs (see
    /// ``ReadOnlyWindow``): `config.yml` with `storage.maintenance.readonly` on and no debug listener.
    public var readOnlyConfigFile: String { Path.join(registryDirectory, "config-read-only.yml") }
    /// The record of an open read-only window; a killed hook leaves it for the next hook to close the window.
    public var readOnlyWindowFile: String { Path.join(registryDirectory, "read-only-window.json") }
    /// Where the `mirror` action remembers which repository of this registry holds each blob it stored, so that a
    /// later run mounts a blob it already has instead of uploading it again.
    public var mirrorBlobsFile: String { Path.join(registryDirectory, "mirror-blobs.json") }
    /// The directory of the accounts' htpasswd files, mounted whole (read-only) into the registry containers so
    /// that a rewritten file is seen without a restart.
    public var accountsDirectory: String { Path.join(registryDirectory, "accounts") }
    /// The htpasswd of the push accounts: the registry on `registry-port`.
    public var pushAccountsFile: String { Path.join(accountsDirectory, "push.htpasswd") }
    /// The htpasswd of the push and pull accounts: the pull listener on `pull-port`.
    public var pullAccountsFile: String { Path.join(accountsDirectory, "pull.htpasswd") }
    /// The pull listener's configuration (read-only storage, the pull accounts, `pull-port`).
    public var pullConfigFile: String { Path.join(registryDirectory, "config-pull.yml") }
    /// The bcrypt htpasswd file for basic auth.
    public var htpasswdFile: String { Path.join(registryDirectory, "htpasswd") }
    /// The token auth root certificate bundle.
    public var tokenBundleFile: String { Path.join(registryDirectory, "auth_token.pem") }
    /// The container's environment file (proxy settings), 0600.
    public var environmentFile: String { Path.join(registryDirectory, "registry.env") }
}
