import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

/// `auth-accounts`, `auth-anonymous-pull` and the credentials secrets: what the unit writes, runs, opens and tells
/// clients, for each state of the secret.
@Suite("Accounts and Juju secrets")
struct AccountsScenarioTests {
    static let accountsURI = "secret:d1accounts00000000000"
    static let pushPassword = "s3cret-push-pw"
    static let pullPassword = "r3ad-only-pw"

    /// A unit whose `auth-accounts` names a granted user secret with one push and one pull account.
    static func withAccounts(
        _ content: [String: String] = ["push": "ci:\(pushPassword)", "pull": "k8s:\(pullPassword)"],
        config: [String: JSONValue] = [:]
    ) async -> Scenario {
        let scenario = Scenario(config: ["auth-accounts": .string(accountsURI)].merging(config) { $1 })
        scenario.tools.update { $0.secrets[accountsURI] = FakeHookTools.Secret(content) }
        await scenario.deploy()
        return scenario
    }

    /// The JSON object of a rendered configuration file (a comment line, then JSON).
    static func rendered(_ scenario: Scenario, _ path: String) throws -> [String: Any] {
        let text = try #require(scenario.text(path))
        let json = try #require(text.split(separator: "\n", maxSplits: 1).last)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func htpasswdPath(_ config: [String: Any]) -> String? {
        ((config["auth"] as? [String: Any])?["htpasswd"] as? [String: Any])?["path"] as? String
    }

    @Test("push accounts on registry-port; push and pull accounts on a read-only listener on pull-port; ports opened")
    func pushAndPull() async throws {
        let scenario = await Self.withAccounts()
        let paths = scenario.paths
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http). Pull-only at 10.0.0.5:5002."))
        let push = try #require(scenario.text(paths.pushAccountsFile))
        let pull = try #require(scenario.text(paths.pullAccountsFile))
        #expect(push.split(separator: "\n").count == 1)
        #expect(Htpasswd.verify(content: push, user: "ci", password: Self.pushPassword))
        #expect(!Htpasswd.verify(content: push, user: "k8s", password: Self.pullPassword))
        #expect(Htpasswd.verify(content: pull, user: "ci", password: Self.pushPassword))
        #expect(Htpasswd.verify(content: pull, user: "k8s", password: Self.pullPassword))
        #expect(scenario.files.files[paths.pushAccountsFile]?.mode == .ownerOnly)
        #expect(scenario.files.files[paths.pullAccountsFile]?.mode == .ownerOnly)

        let main = try Self.rendered(scenario, paths.configFile)
        #expect(Self.htpasswdPath(main) == paths.pushAccountsFile)
        let listener = try Self.rendered(scenario, paths.pullConfigFile)
        #expect(Self.htpasswdPath(listener) == paths.pullAccountsFile)
        #expect((listener["http"] as? [String: Any])?["addr"] as? String == ":5002")
        let maintenance = (listener["storage"] as? [String: Any])?["maintenance"] as? [String: Any]
        #expect((maintenance?["readonly"] as? [String: Any])?["enabled"] as? Bool == true)

        let pullContainer = try #require(scenario.docker.container(named: "registry.charm-pull"))
        #expect(pullContainer.running)
        #expect(pullContainer.arguments.suffix(2) == ["serve", paths.pullConfigFile])
        let accountsMount = "\(paths.accountsDirectory):\(paths.accountsDirectory):ro"
        #expect(pullContainer.arguments.contains(accountsMount))
        #expect(scenario.docker.container(named: "registry")?.arguments.contains(accountsMount) == true)
        #expect(scenario.tools.model.openedPorts == [PortRange(5000), PortRange(5002)])
    }

    @Test("clients on docker-registry get the pull-only account and the pull address; the push password stays home")
    func leastPrivilege() async throws {
        let scenario = await Self.withAccounts()
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let bag = scenario.published(id)
        #expect(bag["registry_netloc"] == "\"10.0.0.5:5002\"")
        #expect(bag["registry_url"] == "\"http://10.0.0.5:5002\"")
        #expect(bag["basic_user"] == "\"k8s\"")
        #expect(bag["basic_password"] == "\"\(Self.pullPassword)\"")
        let everywhere = scenario.tools.model.relations.values.flatMap { [$0.localUnitData, $0.localAppData] }
        #expect(!everywhere.contains { $0.values.contains { $0.contains(Self.pushPassword) } })
        #expect(!scenario.tools.model.logs.contains { $0.message.contains(Self.pushPassword) })
        let state = scenario.tools.model.state.values.joined()
        #expect(!state.contains(Self.pushPassword) && !state.contains(Self.pullPassword))
    }

    @Test("anonymous pull with the basic account: the listener asks for nothing; clients pull without credentials")
    func anonymousPull() async throws {
        let scenario = Scenario(
            config: ["auth-basic-user": "admin", "auth-basic-password": "adm1n-pw", "auth-anonymous-pull": true]
        )
        await scenario.deploy()
        let paths = scenario.paths
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http). Pull-only at 10.0.0.5:5002."))
        let listener = try Self.rendered(scenario, paths.pullConfigFile)
        #expect(listener["auth"] == nil)
        #expect(scenario.text(paths.pullAccountsFile) == nil)
        let push = try #require(scenario.text(paths.pushAccountsFile))
        #expect(Htpasswd.verify(content: push, user: "admin", password: "adm1n-pw"))
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        #expect(scenario.published(id)["basic_user"] == "null")
        #expect(scenario.published(id)["basic_password"] == "null")
        #expect(scenario.published(id)["registry_netloc"] == "\"10.0.0.5:5002\"")

        // Off again: the listener goes, its port closes, clients get the basic account and the registry again.
        await scenario.configure(["auth-anonymous-pull": false])
        #expect(scenario.docker.container(named: "registry.charm-pull") == nil)
        #expect(scenario.tools.model.openedPorts == [PortRange(5000)])
        #expect(scenario.published(id)["basic_user"] == "\"admin\"")
        #expect(scenario.published(id)["registry_netloc"] == "\"10.0.0.5:5000\"")
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("a secret not granted, or gone: blocked naming the option and the grant command; the registry keeps serving")
    func notGranted() async throws {
        let scenario = Scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "adm1n-pw"])
        await scenario.deploy()
        let container = scenario.docker.container(named: "registry")?.id
        let config = scenario.text(scenario.paths.configFile)
        scenario.tools.update {
            $0.secrets[Self.accountsURI] = FakeHookTools.Secret(["push": "ci:x"], granted: false)
        }
        await scenario.configure(["auth-accounts": .string(Self.accountsURI)])
        let message = try #require(scenario.status?.message)
        #expect(scenario.status?.state == .blocked)
        #expect(message.contains("auth-accounts"), "\(message)")
        #expect(message.contains("juju grant-secret \(Self.accountsURI) docker-registry"), "\(message)")
        #expect(scenario.docker.container(named: "registry")?.id == container)
        #expect(scenario.text(scenario.paths.configFile) == config)

        scenario.tools.update { $0.secrets[Self.accountsURI] = nil }
        await scenario.run(.unit(.updateStatus))
        await scenario.configure(["log-level": "debug"])
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("cannot be found") == true, "\(scenario.status!)")

        // Granted (Juju runs no hook for it): the next update-status reads it and applies it.
        scenario.tools.update { $0.secrets[Self.accountsURI] = FakeHookTools.Secret(["push": "ci:x1"]) }
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.status?.state == .active)
        #expect(scenario.text(scenario.paths.pushAccountsFile)?.hasPrefix("ci:$2") == true)
    }

    @Test(
        "a secret of the wrong shape is refused naming the option, the key and the line, never a password",
        arguments: [
            (["admins": "ci:pw"], "must hold the key push, pull or both"),
            (["pull": "k8s-without-colon"], "line 1 of pull"),
            (["push": "ci:pw", "pull": "ci:other"], "user ci is given twice"),
            (["push": "ci:$1$md5$notbcrypt"], "only bcrypt"),
            (["push": "# nobody\n"], "it holds no account"),
        ]
    )
    func wrongShape(content: [String: String], expected: String) async throws {
        let scenario = await Self.withAccounts(content)
        let message = try #require(scenario.status?.message)
        #expect(scenario.status?.state == .blocked)
        #expect(message.contains("auth-accounts") && message.contains(expected), "\(message)")
        #expect(!message.contains("pw") || expected.contains("pw"))
        #expect(scenario.docker.container(named: "registry.charm-pull") == nil)
    }

    @Test("rotation: secret-changed moves to the new revision and rewrites the htpasswd; no container is re-created")
    func rotation() async throws {
        let scenario = await Self.withAccounts()
        let id = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        scenario.tools.update {
            $0.secrets[Self.accountsURI]?.revisions.append(["push": "ci:\(Self.pushPassword)", "pull": "k8s:n3w-pw"])
        }
        // Until secret-changed the unit keeps the revision it read (Juju's consumer semantics).
        await scenario.configure(["log-level": "debug"])
        #expect(scenario.published(id)["basic_password"] == "\"\(Self.pullPassword)\"")
        let containers = scenario.docker.containers.map(\.id).sorted()
        let pushBefore = scenario.text(scenario.paths.pushAccountsFile)

        scenario.resetRecording()
        await scenario.run(.secret(.changed), secretID: Self.accountsURI)
        let pull = try #require(scenario.text(scenario.paths.pullAccountsFile))
        #expect(Htpasswd.verify(content: pull, user: "k8s", password: "n3w-pw"))
        #expect(!Htpasswd.verify(content: pull, user: "k8s", password: Self.pullPassword))
        #expect(Htpasswd.verify(content: pull, user: "ci", password: Self.pushPassword))
        // The push account did not change: its file is byte for byte the same (no new bcrypt salt).
        #expect(scenario.text(scenario.paths.pushAccountsFile) == pushBefore)
        #expect(scenario.docker.containers.map(\.id).sorted() == containers)
        #expect(!scenario.dockerLines.contains { $0.hasPrefix("run") || $0.hasPrefix("rm") || $0.hasPrefix("stop") })
        #expect(scenario.published(id)["basic_password"] == "\"n3w-pw\"")
        #expect(scenario.tools.calls.contains("secret-get"))
        #expect(scenario.status?.state == .active)
    }

    @Test("an idle update-status with accounts makes one hook-tool call and no docker call")
    func idleUpdateStatus() async throws {
        let scenario = await Self.withAccounts()
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        #expect(scenario.dockerLines.isEmpty)

        // The pull listener restarted on its own: the next update-status reconciles and probes it again.
        scenario.docker.restartOnItsOwn("registry.charm-pull")
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls.contains("config-get"))
        #expect(scenario.status?.state == .active)
    }

    @Test("credentials secrets win over the plain options they replace, and the unit says so once")
    func credentialsSecrets() async throws {
        let uri = "secret:d1cache0000000000000"
        let scenario = Scenario(
            config: [
                "cache-remoteurl": "https://registry-1.docker.io", "cache-username": "plain-user",
                "cache-password": "plain-pw", "cache-credentials": .string(uri),
            ]
        )
        scenario.tools.update {
            $0.secrets[uri] = FakeHookTools.Secret(["username": "sec-user", "password": "sec-pw"])
        }
        await scenario.deploy()
        let config = try Self.rendered(scenario, scenario.paths.configFile)
        let proxy = try #require(config["proxy"] as? [String: Any])
        #expect(proxy["username"] as? String == "sec-user")
        #expect(proxy["password"] as? String == "sec-pw")
        let notices = scenario.tools.model.logs.filter { $0.message.contains("cache-credentials wins over") }
        #expect(notices.count == 2, "\(notices)")  // cache-password and cache-username
        #expect(!scenario.tools.model.logs.contains { $0.message.contains("sec-pw") })
        await scenario.configure(["log-level": "debug"])
        #expect(scenario.tools.model.logs.filter { $0.message.contains("cache-credentials wins over") }.count == 2)

        scenario.tools.update { $0.secrets[uri]?.revisions.append(["user": "x"]) }
        await scenario.run(.secret(.changed), secretID: uri)
        #expect(scenario.status?.state == .blocked)
        #expect(
            scenario.status?.message.contains("cache-credentials — must hold the keys username and password") == true,
            "\(String(describing: scenario.status))"
        )
    }
}
