import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

@Suite("Configuration changes")
struct ConfigScenarioTests {
    @Test("an option that does not affect the container leaves it alone")
    func unrelatedOption() async {
        let scenario = Scenario()
        await scenario.deploy()
        let id = scenario.docker.containers.first?.id
        scenario.resetRecording()
        await scenario.configure(["nagios_context": "prod"])
        #expect(scenario.docker.containers.first?.id == id)
        // The process last found serving still runs in the container of this spec: docker is not asked.
        #expect(scenario.dockerLines.isEmpty)
        #expect(!scenario.tools.calls.contains("status-set"))
    }

    @Test("registry-port re-creates the container once and moves the opened port")
    func portChange() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = scenario.docker.containers.first?.id
        await scenario.configure(["registry-port": 5055])
        #expect(scenario.docker.containers.count == 1)
        #expect(scenario.docker.containers.first?.id != id)
        #expect(scenario.tools.model.openedPorts == [PortRange(5055)])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5055 (http)."))
        #expect(
            scenario.tools.model.statusHistory.suffix(2) == [
                .maintenance("Reconfiguring the registry."), .active("Ready at 10.0.0.5:5055 (http)."),
            ]
        )
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("\":5055\"") == true)
        let second = scenario.docker.containers.first?.id
        await scenario.run(.unit(.configChanged))
        #expect(scenario.docker.containers.first?.id == second)
    }

    @Test("prometheus-metrics opens the debug port; turning it off closes it")
    func metricsPort() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["prometheus-metrics": true])
        #expect(scenario.tools.model.openedPorts == [PortRange(5000), PortRange(5001)])
        await scenario.configure(["prometheus-metrics": false])
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
    }

    @Test("invalid config blocks, names the option, and touches nothing; fixing it recovers")
    func invalidConfigKeepsServing() async {
        let scenario = Scenario()
        await scenario.deploy()
        let configBefore = scenario.text("/etc/docker/registry/config.yml")
        let id = scenario.docker.containers.first?.id
        scenario.resetRecording()
        let outcome = await scenario.configure(["storage-cache": "redis", "log-level": "loud"])
        #expect(outcome.exitCode == 0)
        let message = scenario.status?.message ?? ""
        #expect(scenario.status?.state == .blocked)
        #expect(message.hasPrefix("Invalid charm config: "))
        #expect(message.contains("storage-cache") && message.contains("log-level"))
        #expect(scenario.files.writes.isEmpty)
        #expect(scenario.text("/etc/docker/registry/config.yml") == configBefore)
        #expect(
            !scenario.dockerLines.contains {
                $0.hasPrefix("run ") || $0.hasPrefix("container stop ") || $0.hasPrefix("container rm ")
            }
        )
        #expect(scenario.docker.containers.first?.id == id && scenario.docker.containers.first?.running == true)

        await scenario.configure(["storage-cache": "disabled", "log-level": "debug"])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("blobdescriptor") == false)
    }

    @Test("registry-name removes the old container and starts the new one")
    func rename() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["registry-name": "my-registry"])
        #expect(scenario.docker.containers.map(\.name) == ["my-registry"])
        #expect(scenario.docker.containers.first?.running == true)
    }

    @Test("an image that cannot be pulled blocks with the reason, keeps the old registry, and retries later")
    func badImage() async {
        let scenario = Scenario()
        await scenario.deploy()
        let id = scenario.docker.containers.first?.id
        let outcome = await scenario.configure(["registry-image": "localhost/nope:1"])
        #expect(outcome.exitCode == 0)
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("localhost/nope:1") == true)
        #expect(scenario.docker.containers.first?.id == id && scenario.docker.containers.first?.running == true)

        scenario.docker.allowPull("localhost/nope:1")
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.docker.containers.first?.image == "localhost/nope:1")
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("registry proxies go to a 0600 environment file, never onto docker's command line")
    func proxyEnvironment() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["registry-https-proxy": "http://user:pr0xy-pass@proxy.internal:3128"])
        let file = try #require(scenario.files.files["/etc/docker/registry/registry.env"])
        #expect(file.mode == .ownerOnly)
        #expect(
            String(decoding: file.content, as: UTF8.self) == "HTTPS_PROXY=http://user:pr0xy-pass@proxy.internal:3128\n"
        )
        #expect(!scenario.everythingPrinted.contains("pr0xy-pass"))
        #expect(
            scenario.docker.runner.commands.last { $0.arguments.first == "run" }?.arguments.contains("--env-file")
                == true
        )
    }

    @Test("the unit is removed cleanly: container, port, files and trust go, images stay")
    func remove() async {
        let scenario = Scenario()
        await scenario.deploy()
        try? scenario.files.write("/srv/registry/docker/registry/v2/blob", text: "data", mode: .publicReadable)
        await scenario.run(.unit(.stop))
        await scenario.run(.unit(.remove))
        #expect(scenario.docker.containers.isEmpty)
        #expect(scenario.tools.model.openedPorts.isEmpty)
        #expect(scenario.files.files["/etc/docker/registry/config.yml"] == nil)
        #expect(scenario.files.files["/srv/registry/docker/registry/v2/blob"] != nil)
        let daemon = scenario.text("/etc/docker/daemon.json") ?? ""
        #expect(!daemon.contains("10.0.0.5:5000"))
    }
}

@Suite("Machine packages")
struct PackageScenarioTests {
    @Test("extra_packages are installed when the option changes, not on every hook")
    func extraPackages() async {
        let scenario = Scenario()
        scenario.docker.runner.on("apt-get", result: CommandResult())
        await scenario.deploy()
        #expect(scenario.docker.runner.lines(of: "apt-get").isEmpty)
        await scenario.configure(["extra_packages": "jq tree"])
        let apt = scenario.docker.runner.lines(of: "apt-get")
        #expect(apt.contains { $0.contains("install") && $0.hasSuffix("jq tree") })
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        #expect(scenario.docker.runner.lines(of: "apt-get").isEmpty)
    }
}

@Suite("Series upgrade")
struct SeriesUpgradeScenarioTests {
    @Test("pre-series-upgrade stops the registry and blocks; post-series-upgrade brings it back once")
    func seriesUpgrade() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.run(.unit(.preSeriesUpgrade))
        #expect(scenario.docker.containers.first?.running == false)
        #expect(scenario.status?.state == .blocked)
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.docker.containers.first?.running == false)
        scenario.resetRecording()
        let outcome = await scenario.run(.unit(.postSeriesUpgrade))
        #expect(outcome.handlersRun.filter { $0 == "configure-registry" }.count == 1)
        #expect(scenario.docker.containers.first?.running == true)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }
}
