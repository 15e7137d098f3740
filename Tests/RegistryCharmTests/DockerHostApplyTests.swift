import JujuKit
import JujuKitTesting
import Testing

@testable import RegistryCharm

@Suite("DockerHost apply")
struct DockerHostApplyTests {
    let daemonJSON = "/etc/docker/daemon.json"
    let dropIn = "/etc/systemd/system/docker.service.d/http-proxy.conf"

    @Test func anUnchangedApplyRunsNothingAndWritesNothing() async throws {
        for systemd in [false, true] {
            let fixture = DockerHostFixture(systemd: systemd)
            try fixture.seedDaemonJSON(DockerHostSettings(), insecure: ["10.0.0.1:5000"])
            let change = try await fixture.host.applyDaemonConfiguration(
                DockerHostSettings(),
                insecureRegistries: ["10.0.0.1:5000"]
            )
            #expect(change == .unchanged)
            #expect(fixture.runner.commands.isEmpty)
            #expect(fixture.files.writes.isEmpty)
        }
    }

    @Test func trustingOverHTTPReloadsWithSIGHUPWithoutSystemd() async throws {
        let fixture = DockerHostFixture(systemd: false)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        try fixture.files.write("/var/run/docker.pid", text: "4242", mode: .publicReadable)
        let change = try await fixture.host.applyDaemonConfiguration(
            DockerHostSettings(),
            insecureRegistries: ["10.0.0.1:5000"]
        )
        #expect(change == .reloaded)
        #expect(fixture.lines == ["kill -HUP 4242", DockerHostFixture.probeLine])
        #expect(fixture.text(daemonJSON)?.contains("\"10.0.0.1:5000\"") == true)
        #expect(fixture.files.files[daemonJSON]?.mode == .publicReadable)
    }

    @Test func untrustingTheLastRegistryIsAReloadToo() async throws {
        let fixture = DockerHostFixture(systemd: true)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: ["10.0.0.1:5000"])
        let change = try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: [])
        #expect(change == .reloaded)
        #expect(fixture.lines == ["systemctl reload docker", DockerHostFixture.probeLine])
    }

    @Test func aDataRootChangeRestartsThroughSystemd() async throws {
        let fixture = DockerHostFixture(systemd: true)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        var settings = DockerHostSettings()
        settings.daemonOptions["data-root"] = "/srv/docker"
        let change = try await fixture.host.applyDaemonConfiguration(settings, insecureRegistries: [])
        #expect(change == .restarted)
        #expect(
            fixture.lines == ["systemctl daemon-reload", "systemctl restart docker", DockerHostFixture.probeLine]
        )
    }

    @Test func aRestartIsOnlyReportedWithoutSystemd() async throws {
        let fixture = DockerHostFixture(systemd: false)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        var settings = DockerHostSettings()
        settings.daemonOptions["data-root"] = "/srv/docker"
        let change = try await fixture.host.applyDaemonConfiguration(settings, insecureRegistries: ["a:5000"])
        #expect(change == .restartRequired(keys: ["data-root", "insecure-registries"]))
        #expect(fixture.runner.commands.isEmpty)
        #expect(fixture.files.writes == [daemonJSON])
    }

    @Test func theFirstApplyOnAFreshMachineRestarts() async throws {
        let fixture = DockerHostFixture(systemd: true)
        let change = try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: [])
        #expect(change == .restarted)
    }

    @Test func aFailedReloadPutsTheOldFileBack() async throws {
        let fixture = DockerHostFixture(systemd: true)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        let before = fixture.files.files[daemonJSON]
        fixture.runner.on("systemctl", ["reload"], result: CommandResult(exitCode: 1, standardError: "job failed"))
        await #expect(throws: DockerHostError.self) {
            try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: ["a:5000"])
        }
        #expect(fixture.files.files[daemonJSON] == before)
        // The next attempt sees the change again.
        fixture.runner.on("systemctl", ["reload"], result: CommandResult())
        let change = try await fixture.host.applyDaemonConfiguration(
            DockerHostSettings(),
            insecureRegistries: ["a:5000"]
        )
        #expect(change == .reloaded)
    }

    @Test func aReloadWithoutAPidFileFails() async throws {
        let fixture = DockerHostFixture(systemd: false)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        await #expect(
            throws: DockerHostError.daemonControlFailed(
                action: "reload",
                reason: "'/var/run/docker.pid' holds no pid"
            )
        ) {
            try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: ["a:5000"])
        }
    }

    @Test func anEngineThatDoesNotComeBackIsAnError() async throws {
        let fixture = DockerHostFixture(systemd: true, answering: false)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        await #expect(throws: DockerHostError.engineNotAnswering(after: "a reload")) {
            try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: ["a:5000"])
        }
    }

    @Test func nvidiaIsRegisteredUnderAutoOnlyWhenItsRuntimeIsInstalled() async throws {
        let fixture = DockerHostFixture(systemd: true)
        _ = try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: [])
        #expect(fixture.text(daemonJSON)?.contains("nvidia") == false)
        try fixture.files.write("/usr/bin/nvidia-container-runtime", [], mode: FileMode(rawValue: 0o755))
        let change = try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: [])
        #expect(change == .reloaded)
        #expect(fixture.text(daemonJSON)?.contains("\"default-runtime\" : \"nvidia\"") == true)
    }
}

@Suite("DockerHost proxy drop-in")
struct DockerHostProxyTests {
    let dropIn = "/etc/systemd/system/docker.service.d/http-proxy.conf"

    @Test func noProxyIsWrittenVerbatimWithoutCIDRExpansion() throws {
        let settings = DockerHostSettings(
            httpProxy: "http://squid.internal:3128",
            noProxy: "10.0.0.0/8,192.168.0.0/16,.internal,localhost"
        )
        let text = try ProxyDropIn.render(settings.effectiveProxy)
        #expect(
            text == """
                # Managed by the docker-registry charm: changes are overwritten.
                [Service]
                Environment="HTTP_PROXY=http://squid.internal:3128"
                Environment="NO_PROXY=10.0.0.0/8,192.168.0.0/16,.internal,localhost"

                """
        )
    }

    @Test func theModelProxyIsTheFallbackForEachEmptyOption() {
        let settings = DockerHostSettings(
            httpProxy: "",
            httpsProxy: "http://charm:3128",
            noProxy: nil,
            modelProxy: ProxySettings(http: "http://model:3128", https: "http://model:3129", noProxy: "10.0.0.0/8")
        )
        #expect(
            settings.effectiveProxy
                == ProxySettings(http: "http://model:3128", https: "http://charm:3128", noProxy: "10.0.0.0/8")
        )
    }

    @Test func valuesAreQuotedForSystemd() throws {
        let proxy = ProxySettings(http: "http://user:p%40ss\"w\\d@proxy:3128")
        let text = try ProxyDropIn.render(proxy)
        #expect(text?.contains(#"Environment="HTTP_PROXY=http://user:p%%40ss\"w\\d@proxy:3128""#) == true)
        #expect(throws: DockerHostError.invalidProxy(option: "no_proxy", reason: "it contains a control character")) {
            try ProxyDropIn.render(ProxySettings(noProxy: "a\n[Service]\nExecStart=/bin/sh"))
        }
    }

    @Test func noProxyMeansNoDropIn() throws {
        #expect(try ProxyDropIn.render(ProxySettings()) == nil)
    }

    @Test func aProxyChangeRestartsDockerAndRemovingItRestartsAgain() async throws {
        let fixture = DockerHostFixture(systemd: true)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        let proxied = DockerHostSettings(modelProxy: ProxySettings(https: "http://model:3128"))
        #expect(try await fixture.host.applyDaemonConfiguration(proxied, insecureRegistries: []) == .restarted)
        #expect(fixture.text(dropIn)?.contains("Environment=\"HTTPS_PROXY=http://model:3128\"") == true)
        #expect(fixture.files.files[dropIn]?.mode == .ownerOnly)
        #expect(
            fixture.lines == ["systemctl daemon-reload", "systemctl restart docker", DockerHostFixture.probeLine]
        )

        fixture.runner.resetRecording()
        #expect(try await fixture.host.applyDaemonConfiguration(proxied, insecureRegistries: []) == .unchanged)
        #expect(fixture.runner.commands.isEmpty)

        let cleared = try await fixture.host.applyDaemonConfiguration(DockerHostSettings(), insecureRegistries: [])
        #expect(cleared == .restarted)
        #expect(fixture.files.files[dropIn] == nil)
    }

    @Test func aDaemonJSONReloadAndAProxyChangeTogetherRestartOnce() async throws {
        let fixture = DockerHostFixture(systemd: true)
        try fixture.seedDaemonJSON(DockerHostSettings(), insecure: [])
        let proxied = DockerHostSettings(httpProxy: "http://p:3128")
        #expect(try await fixture.host.applyDaemonConfiguration(proxied, insecureRegistries: ["a:5000"]) == .restarted)
        #expect(fixture.lines.filter { $0.hasPrefix("systemctl restart") }.count == 1)
        #expect(!fixture.lines.contains("systemctl reload docker"))
    }
}
