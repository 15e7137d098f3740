/// One check the nrpe agent runs for Nagios: its command, the arguments, and the service Nagios shows.
struct NrpeCheck: Equatable {
    /// The nrpe command name (`check_docker_registry`), also the `check_nrpe!<command>` Nagios calls.
    var command: String
    /// The key under `monitors` in the relation data (`docker_registry`).
    var monitorName: String
    /// The service description Nagios shows.
    var description: String
    /// The plugin and its arguments.
    var arguments: [String]

    /// The command line nrpe runs through `/bin/sh -c`, every argument quoted where the shell would split it.
    var commandLine: String { arguments.map(ShellQuote.quote).joined(separator: " ") }

    /// The monitoring plugins' directory (Debian's `monitoring-plugins-basic`, which the nrpe charm installs).
    static let pluginDirectory = "/usr/lib/nagios/plugins"

    /// The registry answers its API on the loopback: `/v2/` gives 200, or 401 when authentication is on.
    ///
    /// With https the check speaks TLS (`-S`), and when the registry requires client certificates it presents
    /// `clientPair` (copies of the unit's pair that the nagios user may read), so it passes under mutual TLS.
    static func registry(port: Int, https: Bool, authentication: Bool, clientPair: (certificate: String, key: String)?)
        -> NrpeCheck
    {
        var arguments = [
            "\(pluginDirectory)/check_http", "-I", "127.0.0.1", "-p", String(port), "-u", "/v2/",
            "-e", authentication ? "401" : "200", "-t", "10",
        ]
        if https {
            arguments.append("-S")
            if let clientPair { arguments += ["-J", clientPair.certificate, "-K", clientPair.key] }
        }
        return NrpeCheck(
            command: "check_docker_registry",
            monitorName: "docker_registry",
            description: "Verify docker-registry is responding",
            arguments: arguments
        )
    }

    /// The docker daemon runs (the docker layer's check, without systemd so it works on any init).
    static let dockerDaemon = NrpeCheck(
        command: "check_docker",
        monitorName: "docker",
        description: "Verify the docker daemon is running",
        arguments: ["\(pluginDirectory)/check_procs", "-c", "1:", "-C", "dockerd"]
    )
}

/// Quoting for `/bin/sh`.
enum ShellQuote {
    /// `word` unchanged when the shell would read it as one word as it is, else in single quotes.
    static func quote(_ word: String) -> String {
        if ASCIIWord.isMade(word, ofAlphanumericsAnd: "-_./:=,@%+") { return word }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
