import Foundation
import JujuKit
import JujuKitTesting
import Testing

@testable import RegistryCharm

@Suite("DockerHost daemon.json")
struct DockerHostDaemonJSONTests {
    @Test func defaultOptionsRenderTheOriginalDefaultPlusAnEmptyInsecureList() throws {
        let content = try DaemonConfiguration.render(DockerHostSettings(), insecureRegistries: [])
        let text = String(decoding: try DaemonConfiguration.serialise(content), as: UTF8.self)
        #expect(
            text == """
                {
                  "insecure-registries" : [

                  ],
                  "log-driver" : "json-file",
                  "log-opts" : {
                    "max-file" : "100",
                    "max-size" : "10m"
                  }
                }

                """
        )
    }

    @Test func ourNetlocIsAddedToTheOperatorsEntriesSortedWithoutDuplicates() throws {
        var settings = DockerHostSettings()
        settings.daemonOptions["insecure-registries"] = .array(["zeta:5000", "10.0.0.0/8", "10.1.2.3:5000"])
        let content = try DaemonConfiguration.render(settings, insecureRegistries: ["10.1.2.3:5000", "alpha:443"])
        #expect(content["insecure-registries"] == .array(["10.0.0.0/8", "10.1.2.3:5000", "alpha:443", "zeta:5000"]))
    }

    @Test func removingOurNetlocKeepsTheOperatorsEntries() throws {
        var settings = DockerHostSettings()
        settings.daemonOptions["insecure-registries"] = .array(["mirror.internal:5000"])
        let with = try DaemonConfiguration.render(settings, insecureRegistries: ["10.1.2.3:5000"])
        let without = try DaemonConfiguration.render(settings, insecureRegistries: [])
        #expect(with["insecure-registries"] == .array(["10.1.2.3:5000", "mirror.internal:5000"]))
        #expect(without["insecure-registries"] == .array(["mirror.internal:5000"]))
        #expect(DaemonReloadPolicy.action(from: with, to: without) == .reload)
    }

    @Test func slashesAreNotEscaped() throws {
        var settings = DockerHostSettings(daemonOptions: [:])
        settings.daemonOptions["data-root"] = "/srv/docker"
        let content = try DaemonConfiguration.render(settings, insecureRegistries: [])
        let text = String(decoding: try DaemonConfiguration.serialise(content), as: UTF8.self)
        #expect(text.contains("\"/srv/docker\""))
    }

    @Test func dockerOptsFlagsBecomeKeysAndDaemonOptsWins() throws {
        let settings = DockerHostSettings(
            daemonOptions: ["log-level": "warn"],
            dockerOpts: "--insecure-registry old:5000 --log-level=debug -D --log-opt max-size=5m --mtu 1400"
        )
        let content = try DaemonConfiguration.render(settings, insecureRegistries: ["new:5000"])
        #expect(content["insecure-registries"] == .array(["new:5000", "old:5000"]))
        #expect(content["log-level"] == "warn")
        #expect(content["debug"] == true)
        #expect(content["log-opts"] == .object(["max-size": "5m"]))
        #expect(content["mtu"] == 1400)
    }

    @Test func nvidiaRegistersItsRuntimeUnlessTheOperatorChoseAnother() throws {
        let nvidia = try DaemonConfiguration.render(DockerHostSettings(), insecureRegistries: [], nvidia: true)
        #expect(nvidia["default-runtime"] == "nvidia")
        #expect(nvidia["runtimes"]?.objectValue?["nvidia"] != nil)
        var settings = DockerHostSettings()
        settings.daemonOptions["default-runtime"] = "runc"
        let chosen = try DaemonConfiguration.render(settings, insecureRegistries: [], nvidia: true)
        #expect(chosen["default-runtime"] == "runc")
    }

    @Test(arguments: [
        (["hosts": JSONValue.array(["tcp://0.0.0.0:2375"])], "hosts"),
        (["log-opts": .object(["max-file": 100])], "log-opts"),
        (["insecure-registries": "10.0.0.1:5000"], "insecure-registries"),
        (["insecure-registries": .array(["http://10.0.0.1:5000"])], "insecure-registries"),
        (["labels": .array([1])], "labels"),
    ])
    func invalidCombinationsAreRefusedNamingTheKey(options: [String: JSONValue], key: String) {
        #expect(throws: DockerHostError.self) {
            try DaemonConfiguration.render(DockerHostSettings(daemonOptions: options), insecureRegistries: [])
        }
        do {
            _ = try DaemonConfiguration.render(DockerHostSettings(daemonOptions: options), insecureRegistries: [])
        } catch {
            guard case .invalidDaemonOption(let culprit, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(culprit == key)
            #expect(error.description.hasPrefix("daemon.json key '\(key)'"))
        }
    }

    @Test(arguments: ["10.0.0.1:5000/v2", "../etc", "", "host name:5000", "https://x:5000"])
    func badNetlocsAreRefused(netloc: String) {
        #expect(throws: DockerHostError.invalidNetloc(netloc)) {
            try DaemonConfiguration.render(DockerHostSettings(), insecureRegistries: [netloc])
        }
    }

    @Test func existingFilesParse() {
        #expect(DaemonConfiguration.parse(nil) == [:])
        #expect(DaemonConfiguration.parse(Array(" \n".utf8)) == [:])
        #expect(DaemonConfiguration.parse(Array("{\"debug\": true}".utf8)) == ["debug": true])
        #expect(DaemonConfiguration.parse(Array("{not json".utf8)) == nil)
        #expect(DaemonConfiguration.parse(Array("[1]".utf8)) == nil)
    }
}

@Suite("DockerHost reload policy")
struct DockerHostReloadPolicyTests {
    let base: [String: JSONValue] = ["log-driver": "json-file", "insecure-registries": .array([])]

    @Test func nothingChangedNeedsNothing() {
        #expect(DaemonReloadPolicy.action(from: base, to: base) == DaemonAction.none)
    }

    @Test func insecureRegistriesReload() {
        var new = base
        new["insecure-registries"] = .array(["10.0.0.1:5000"])
        #expect(DaemonReloadPolicy.action(from: base, to: new) == .reload)
        #expect(DaemonReloadPolicy.changedKeys(from: base, to: new) == ["insecure-registries"])
    }

    @Test(arguments: ["data-root", "log-driver", "storage-driver", "builder", "mtu"])
    func otherKeysRestart(key: String) {
        var new = base
        new[key] = "changed"
        #expect(DaemonReloadPolicy.action(from: base, to: new) == .restart)
    }

    @Test func aReloadableChangeWithARestartChangeRestarts() {
        var new = base
        new["debug"] = true
        new["data-root"] = "/srv/docker"
        #expect(DaemonReloadPolicy.action(from: base, to: new) == .restart)
    }

    @Test func removingAStickyReloadableKeyRestartsButAResettingOneReloads() {
        var old = base
        old["debug"] = true
        old["max-concurrent-downloads"] = 10
        var withoutDebug = old
        withoutDebug["debug"] = nil
        var withoutDownloads = old
        withoutDownloads["max-concurrent-downloads"] = nil
        #expect(DaemonReloadPolicy.action(from: old, to: withoutDebug) == .restart)
        #expect(DaemonReloadPolicy.action(from: old, to: withoutDownloads) == .reload)
    }

    @Test func anUnreadableOldFileRestarts() {
        #expect(DaemonReloadPolicy.action(from: nil, to: base) == .restart)
    }
}

@Suite("DockerHost docker-opts")
struct DockerHostDockerOptsTests {
    @Test func flagsThatCannotBeAppliedAreProblemsNamingTheFlag() {
        let result = DockerOptsTranslator.translate(
            "-H tcp://0.0.0.0:2375 --registry-mirror=https://m --api-cors-header '*' --log-level=bogus "
                + "--insecure-registry"
        )
        #expect(result.options == ["registry-mirrors": .array(["https://m"])])
        #expect(
            result.problems == [
                "'--api-cors-header' is not a dockerd flag the charm can apply: remove it, or set its daemon.json key "
                    + "in daemon-opts",
                "'--log-level=bogus' is not a log level: use debug, info, warn, error, fatal",
                "'--insecure-registry' needs a value",
                "'-H tcp://0.0.0.0:2375' would expose the docker engine on the network without TLS verification: "
                    + "remove it, or add --tlsverify with --tlscacert, --tlscert and --tlskey",
            ]
        )
        #expect(result.ignored.isEmpty)
    }

    @Test func theLocalSocketAndAVerifiedTCPListenerAreIgnoredWithAWord() {
        let result = DockerOptsTranslator.translate(
            "-H fd:// --host=tcp://0.0.0.0:2376 --tlsverify --tlscacert /ca --tlscert=/c --tlskey=/k --debug"
        )
        #expect(result.problems.isEmpty)
        #expect(result.options == ["debug": true])
        #expect(result.ignored.count == 2)
        #expect(result.ignored.allSatisfy { $0.hasPrefix("docker-opts: '") && $0.contains("is ignored") })
    }

    @Test func quotedValuesAndBooleans() {
        let result = DockerOptsTranslator.translate("--label \"tier=a b\" --iptables=false --mtu x --debug")
        #expect(result.options["labels"] == .array(["tier=a b"]))
        #expect(result.options["iptables"] == false)
        #expect(result.options["debug"] == true)
        #expect(result.options["mtu"] == nil)
        #expect(result.problems == ["'--mtu x' is not a number"])
    }

    @Test(arguments: [
        (#"{"hosts":["tcp://0.0.0.0:2375"]}"#, "key 'hosts' would expose"),
        (#"{"hosts":["unix:///run/d.sock"]}"#, "key 'hosts' cannot be applied"),
        (#"{"insecure-registries":"notalist"}"#, "key 'insecure-registries' must be a list"),
        (#"{"insecure-registries":["http://x:5000"]}"#, "key 'insecure-registries' entry 'http://x:5000'"),
        (#"{"log-level":"bogus"}"#, "key 'log-level' must be one of"),
        (#"{"mtu":"big"}"#, "key 'mtu' must be a whole number"),
        (#"{"live-restore":"yes"}"#, "key 'live-restore' must be true or false"),
        (#"{"log-opts":{"max-file":3}}"#, "key 'log-opts' must be an object whose values are strings"),
    ])
    func daemonOptionsDockerdWouldRefuseAreProblems(json: String, expected: String) throws {
        let options = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
        let problems = DaemonOptionsCheck.problems(options)
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix(expected) == true, "\(problems)")
    }

    @Test func usualDaemonOptionsPass() {
        #expect(DaemonOptionsCheck.problems(DockerHostSettings.defaultDaemonOptions).isEmpty)
        #expect(DaemonOptionsCheck.problems(["debug": true, "mtu": 1400, "unknown-key": .array([1])]).isEmpty)
    }

    @Test func settingsWarnAboutWhatTheCharmDoesNotDo() {
        let settings = DockerHostSettings(
            runtime: .nvidia,
            cudaRepo: "10.0.130-1",
            dockerOpts: "-H unix:///var/run/docker.sock",
            enableCgroups: true
        )
        #expect(settings.warnings.count == 3)
        #expect(settings.warnings.allSatisfy { $0.first?.isLowercase ?? false })
    }
}
