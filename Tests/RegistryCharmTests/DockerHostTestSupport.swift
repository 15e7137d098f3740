import JujuKit
import JujuKitTesting

@testable import RegistryCharm

/// A docker host over fakes, with knobs for systemd and the engine's answer.
struct DockerHostFixture {
    let runner = FakeCommandRunner()
    let files = InMemoryFileSystem()
    let host: DockerHost

    static let probeLine = "docker info --format {{.ServerVersion}}"
    static let noble = "PRETTY_NAME=\"Ubuntu 24.04 LTS\"\nID=ubuntu\nVERSION_CODENAME=noble\nUBUNTU_CODENAME=noble\n"

    /// - Parameters:
    ///   - systemd: whether `/run/systemd/system` exists.
    ///   - answering: whether `docker info` succeeds; `nil` makes it succeed only once `apt-get install` ran.
    init(systemd: Bool = false, answering: Bool? = true) {
        host = DockerHost(
            runner: runner,
            files: files,
            paths: HostPaths(),
            answerTimeout: .zero,
            pollInterval: .milliseconds(1)
        )
        if systemd { try? files.createDirectory("/run/systemd/system", mode: .publicDirectory) }
        try? files.write("/etc/os-release", text: Self.noble, mode: .publicReadable)
        let runner = self.runner
        runner.respond { command in
            guard command.description == Self.probeLine else { return nil }
            let up =
                answering
                ?? runner.commands.contains { $0.executable == "apt-get" && $0.arguments.first == "install" }
            return up ? CommandResult(standardOutput: "20.10.24\n") : CommandResult(exitCode: 1, standardError: "down")
        }
        runner.on("dpkg", ["--print-architecture"], result: CommandResult(standardOutput: "amd64\n"))
        files.resetRecording()
    }

    /// Every command as a line, in order.
    var lines: [String] { runner.commands.map(\.description) }

    /// The text of a file, if any.
    func text(_ path: String) -> String? {
        files.files[path].map { String(decoding: $0.content, as: UTF8.self) }
    }

    /// Writes the file the charm would write for `settings` and forgets the recording.
    func seedDaemonJSON(_ settings: DockerHostSettings, insecure: [String]) throws {
        let content = try DaemonConfiguration.render(settings, insecureRegistries: insecure)
        try files.write("/etc/docker/daemon.json", DaemonConfiguration.serialise(content), mode: .publicReadable)
        files.resetRecording()
        runner.resetRecording()
    }
}

/// An armoured key as curl would print it.
let armouredKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBFit2ioBEADhWpZ8\n-----END PGP PUBLIC KEY BLOCK-----\n"
