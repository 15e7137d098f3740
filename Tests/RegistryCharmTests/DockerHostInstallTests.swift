import JujuKit
import JujuKitTesting
import Testing

@testable import RegistryCharm

@Suite("DockerHost install")
struct DockerHostInstallTests {
    static let update = "apt-get update -q"
    static let install = "apt-get install -y -q -o Dpkg::Options::=--force-confold -o DPkg::Lock::Timeout=300"

    final class Messages: @unchecked Sendable {
        var all: [String] = []
    }

    func run(_ fixture: DockerHostFixture, _ settings: DockerHostSettings) async throws -> [String] {
        let messages = Messages()
        try await fixture.host.install(settings) { messages.all.append($0) }
        return messages.all
    }

    @Test func anAnsweringEngineIsLeftAlone() async throws {
        let fixture = DockerHostFixture(answering: true)
        let messages = try await run(fixture, DockerHostSettings(runtime: .upstream, extraPackages: ["jq"]))
        #expect(fixture.lines == [DockerHostFixture.probeLine])
        #expect(messages.isEmpty)
        #expect(fixture.files.writes.isEmpty)
    }

    @Test func aptInstallsDockerIOFromTheArchive() async throws {
        let fixture = DockerHostFixture(answering: nil)
        let messages = try await run(fixture, DockerHostSettings(runtime: .apt))
        #expect(messages == ["Installing docker.io from universe."])
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, Self.update, "\(Self.install) docker.io", "apt-mark hold docker.io",
                DockerHostFixture.probeLine,
            ]
        )
        let apt = fixture.runner.commands.filter { $0.executable == "apt-get" }
        #expect(apt.allSatisfy { $0.environment["DEBIAN_FRONTEND"] == "noninteractive" })
    }

    @Test func autoPicksAptWithoutAnNvidiaDevice() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("lspci", result: CommandResult(standardOutput: "00:02.0 VGA compatible controller: Intel\n"))
        _ = try await run(fixture, DockerHostSettings(runtime: .auto))
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, "dpkg --print-architecture", "lspci -nnk", Self.update,
                "\(Self.install) docker.io", "apt-mark hold docker.io", DockerHostFixture.probeLine,
            ]
        )
    }

    @Test func autoWithoutLspciIsApt() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("lspci", result: CommandResult(exitCode: 127))
        _ = try await run(fixture, DockerHostSettings(runtime: .auto))
        #expect(fixture.lines.contains("\(Self.install) docker.io"))
    }

    @Test func installFromUpstreamMeansDockersRepository() async throws {
        let fixture = DockerHostFixture(systemd: true, answering: nil)
        fixture.runner.on("curl", result: CommandResult(standardOutput: armouredKey))
        let messages = try await run(fixture, DockerHostSettings(runtime: .apt, installFromUpstream: true))
        #expect(messages == ["Installing docker-ce from upstream PPA."])
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, "dpkg --print-architecture",
                "curl -fsSL --retry 3 https://download.docker.com/linux/ubuntu/gpg", Self.update,
                "\(Self.install) docker-ce", "apt-mark hold docker-ce", "systemctl enable --now docker",
                DockerHostFixture.probeLine,
            ]
        )
        #expect(fixture.text("/etc/apt/keyrings/docker.asc") == armouredKey)
        #expect(fixture.files.files["/etc/apt/keyrings/docker.asc"]?.mode == .publicReadable)
        #expect(
            fixture.text("/etc/apt/sources.list.d/docker.list")
                == "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] "
                + "https://download.docker.com/linux/ubuntu noble stable\n"
        )
    }

    @Test func aBinaryKeyIsLeftToCurlToWrite() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("curl", result: CommandResult(standardOutput: "\u{99}\u{01}binary"))
        _ = try await run(fixture, DockerHostSettings(runtime: .upstream))
        #expect(
            fixture.lines.contains(
                "curl -fsSL --retry 3 -o /etc/apt/keyrings/docker.gpg https://download.docker.com/linux/ubuntu/gpg"
            )
        )
        let list = fixture.text("/etc/apt/sources.list.d/docker.list")
        #expect(list?.contains("signed-by=/etc/apt/keyrings/docker.gpg") == true)
    }

    @Test func nvidiaAddsTheToolkitRepositoryAndHoldsPinnedPackagesByName() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("curl", result: CommandResult(standardOutput: armouredKey))
        let settings = DockerHostSettings(
            runtime: .nvidia,
            dockerCEPackage: "docker-ce=5:27.5.1-1~ubuntu.24.04~noble",
            nvidiaDockerPackage: "nvidia-docker2=2.14.0-1",
            nvidiaContainerRuntimePackage: "nvidia-container-runtime",
            packageStatus: .hold
        )
        let messages = try await run(fixture, settings)
        #expect(messages == ["Installing docker-engine from Nvidia PPA."])
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, "dpkg --print-architecture",
                "curl -fsSL --retry 3 https://download.docker.com/linux/ubuntu/gpg",
                "curl -fsSL --retry 3 https://nvidia.github.io/libnvidia-container/gpgkey", Self.update,
                "\(Self.install) docker-ce=5:27.5.1-1~ubuntu.24.04~noble nvidia-docker2=2.14.0-1 "
                    + "nvidia-container-runtime",
                "apt-mark hold docker-ce nvidia-docker2 nvidia-container-runtime", DockerHostFixture.probeLine,
            ]
        )
        #expect(
            fixture.text("/etc/apt/sources.list.d/nvidia-container-toolkit.list")
                == "deb [signed-by=/etc/apt/keyrings/nvidia-container-toolkit.asc] "
                + "https://nvidia.github.io/libnvidia-container/stable/deb/amd64 /\n"
        )
    }

    @Test func customSubstitutesArchAndCodeAndSignsTheLine() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("curl", result: CommandResult(standardOutput: armouredKey))
        let settings = DockerHostSettings(
            runtime: .custom(
                repo: "deb [arch={ARCH}] https://mirror.internal/docker {CODE} stable",
                keyURL: "https://mirror.internal/docker/gpg",
                package: "docker-ce"
            )
        )
        let messages = try await run(fixture, settings)
        #expect(messages == ["Installing Docker from custom repository."])
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, "dpkg --print-architecture",
                "curl -fsSL --retry 3 https://mirror.internal/docker/gpg", Self.update, "\(Self.install) docker-ce",
                "apt-mark hold docker-ce", DockerHostFixture.probeLine,
            ]
        )
        #expect(
            fixture.text("/etc/apt/sources.list.d/docker.list")
                == "deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] "
                + "https://mirror.internal/docker noble stable\n"
        )
    }

    @Test(arguments: [
        (EngineRuntime.custom(repo: "", keyURL: "https://k", package: "p"), "docker_runtime_repo"),
        (.custom(repo: "deb http://x y z", keyURL: " ", package: "p"), "docker_runtime_key_url"),
        (.custom(repo: "deb http://x y z", keyURL: "https://k", package: ""), "docker_runtime_package"),
    ])
    func anIncompleteCustomRuntimeNamesTheMissingOption(runtime: EngineRuntime, missing: String) async {
        let fixture = DockerHostFixture(answering: false)
        await #expect(throws: DockerHostError.incompleteCustomRuntime(missing: missing)) {
            try await fixture.host.install(DockerHostSettings(runtime: runtime)) { _ in }
        }
        #expect(fixture.lines == [DockerHostFixture.probeLine])
    }

    @Test func installSourcesComeFirstWithTheirKeys() async throws {
        let fixture = DockerHostFixture(answering: nil)
        fixture.runner.on("mktemp", result: CommandResult(standardOutput: "/tmp/tmp.abc\n"))
        fixture.runner.on(
            "gpg",
            ["--batch", "--homedir", "/tmp/tmp.abc", "--armor"],
            result: CommandResult(standardOutput: armouredKey)
        )
        let settings = DockerHostSettings(
            runtime: .apt,
            extraPackages: ["jq", "docker.io"],
            packageStatus: .hold,
            installSources: [
                "ppa:team/tools", "deb http://a.internal/ubuntu noble main", "deb http://b.internal/ubuntu noble main",
            ],
            installKeys: ["null", armouredKey, "0xABCDEF0123456789"]
        )
        _ = try await run(fixture, settings)
        #expect(
            fixture.lines == [
                DockerHostFixture.probeLine, "add-apt-repository --yes ppa:team/tools", "mktemp -d",
                "gpg --batch --homedir /tmp/tmp.abc --keyserver hkp://keyserver.ubuntu.com:80 "
                    + "--recv-keys ABCDEF0123456789",
                "gpg --batch --homedir /tmp/tmp.abc --armor --export ABCDEF0123456789", Self.update,
                "\(Self.install) docker.io jq", "apt-mark hold docker.io jq", DockerHostFixture.probeLine,
            ]
        )
        #expect(
            fixture.text("/etc/apt/sources.list.d/charm-install-source-1.list")
                == "deb [signed-by=/etc/apt/keyrings/charm-install-source-1.asc] http://a.internal/ubuntu noble main\n"
        )
        #expect(fixture.text("/etc/apt/keyrings/charm-install-source-1.asc") == armouredKey)
        #expect(fixture.text("/etc/apt/keyrings/charm-install-source-2.asc") == armouredKey)
    }

    @Test func aFailedPackageInstallNamesThePackage() async {
        let fixture = DockerHostFixture(answering: false)
        let missing = CommandResult(exitCode: 100, standardError: "E: Unable to locate package docker.io")
        fixture.runner.on("apt-get", ["install"], result: missing)
        do {
            try await fixture.host.install(DockerHostSettings(runtime: .apt)) { _ in }
            Issue.record("install succeeded")
        } catch {
            guard case .installFailed(let what, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(what == "docker.io")
            #expect(error.description.hasPrefix("could not install docker.io: "))
        }
    }

    @Test func anEngineThatNeverAnswersIsReported() async {
        let fixture = DockerHostFixture(answering: false)
        await #expect(throws: DockerHostError.engineNotAnswering(after: "installing docker.io")) {
            try await fixture.host.install(DockerHostSettings(runtime: .apt)) { _ in }
        }
    }

    @Test func theEnginePackagesAreHeldWhateverPackageStatusAndExtraPackagesOnlyWithHold() async throws {
        let fixture = DockerHostFixture(answering: nil)
        _ = try await run(fixture, DockerHostSettings(runtime: .apt, extraPackages: ["jq"], packageStatus: .install))
        #expect(fixture.lines.filter { $0.hasPrefix("apt-mark") } == ["apt-mark hold docker.io"])
    }

    @Test func theUbuntuUserJoinsTheDockerGroupWhenThereIsOne() async throws {
        let fixture = DockerHostFixture(answering: nil)
        try fixture.files.write(
            "/etc/passwd",
            text: "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n",
            mode: .publicReadable
        )
        _ = try await run(fixture, DockerHostSettings(runtime: .apt))
        #expect(fixture.lines.suffix(2) == ["usermod -aG docker ubuntu", DockerHostFixture.probeLine])
    }

    @Test func withoutAnUbuntuUserNoGroupChangeIsMade() async throws {
        let fixture = DockerHostFixture(answering: nil)
        try fixture.files.write("/etc/passwd", text: "root:x:0:0:root:/root:/bin/bash\n", mode: .publicReadable)
        _ = try await run(fixture, DockerHostSettings(runtime: .apt))
        #expect(!fixture.lines.contains { $0.hasPrefix("usermod") })
    }

    @Test func aFailedUsermodNamesTheGroupMembership() async throws {
        let fixture = DockerHostFixture(answering: nil)
        let passwd = "ubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n"
        try fixture.files.write("/etc/passwd", text: passwd, mode: .publicReadable)
        let refused = CommandResult(exitCode: 6, standardError: "usermod: group 'docker' does not exist")
        fixture.runner.on("usermod", result: refused)
        do {
            try await fixture.host.install(DockerHostSettings(runtime: .apt)) { _ in }
            Issue.record("install succeeded")
        } catch {
            #expect(error.description.contains("the docker group membership of ubuntu"))
        }
    }

    @Test func extraPackagesAloneAreInstalledAndHeld() async throws {
        let fixture = DockerHostFixture()
        try await fixture.host.installExtraPackages(
            DockerHostSettings(extraPackages: ["jq"], packageStatus: .hold)
        ) { _ in }
        #expect(fixture.lines == [Self.update, "\(Self.install) jq", "apt-mark hold jq"])
        fixture.runner.resetRecording()
        try await fixture.host.installExtraPackages(DockerHostSettings()) { _ in }
        #expect(fixture.runner.commands.isEmpty)
    }
}
