import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// Hooks with nothing new to act on: exactly the hook-tool calls needed to learn that, and no write of any kind.
@Suite("Unchanged hooks: calls and writes")
struct UnchangedHookScenarioTests {
    /// A deployed unit related to a proxy, an nrpe subordinate and a docker client, each with one unit.
    static func related() async -> (scenario: Scenario, website: String, nrpe: String, clients: String) {
        let scenario = Scenario()
        await scenario.deploy()
        let website = await scenario.relate("website", "haproxy", units: ["haproxy/0": [:]])
        let nrpe = await scenario.relate("nrpe-external-master", "nrpe", units: ["nrpe/0": [:]])
        let clients = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        // One hook of every kind first, so that what the unit remembers is settled.
        await scenario.run(.unit(.configChanged))
        return (scenario, website, nrpe, clients)
    }

    /// No tool that writes (`*-set`, ports, logs), no file written, the container only looked at.
    static func expectNoWrite(_ scenario: Scenario, sourceLocation: SourceLocation = #_sourceLocation) {
        let writers: Set = [
            "state-set", "status-set", "relation-set", "leader-set", "open-port", "close-port", "juju-log",
            "application-version-set",
        ]
        #expect(scenario.tools.calls.filter(writers.contains).isEmpty, sourceLocation: sourceLocation)
        #expect(scenario.files.writes.isEmpty, sourceLocation: sourceLocation)
        #expect(
            scenario.dockerLines.allSatisfy { $0.hasPrefix("container inspect") },
            sourceLocation: sourceLocation
        )
    }

    @Test("config-changed, nothing changed, no relations: state, config, the shared http secret, the address")
    func configChangedAlone() async {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.run(.unit(.configChanged))
        scenario.resetRecording()
        let outcome = await scenario.run(.unit(.configChanged))
        #expect(outcome.exitCode == 0)
        #expect(scenario.tools.calls == ["state-get", "config-get", "relation-get", "unit-get"])
        Self.expectNoWrite(scenario)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
    }

    @Test("config-changed, nothing changed, three relations: relation ids, units and data come from the unit state")
    func configChangedRelated() async {
        let (scenario, _, _, _) = await Self.related()
        scenario.resetRecording()
        let outcome = await scenario.run(.unit(.configChanged))
        #expect(outcome.exitCode == 0)
        // is-leader: only the leader publishes the proxy stanza.
        #expect(scenario.tools.calls == ["state-get", "config-get", "relation-get", "unit-get", "is-leader"])
        Self.expectNoWrite(scenario)
    }

    @Test("website-relation-changed, nothing new: only the proxy relation's units and data are read again")
    func websiteChanged() async {
        let (scenario, website, _, _) = await Self.related()
        scenario.resetRecording()
        let outcome = await scenario.run(
            .relation(endpoint: "website", kind: .changed),
            relationID: website,
            remoteUnit: "haproxy/0"
        )
        #expect(outcome.exitCode == 0)
        #expect(
            scenario.tools.calls == [
                "state-get", "config-get", "relation-get", "relation-list", "relation-get", "is-leader",
            ]
        )
        Self.expectNoWrite(scenario)
    }

    @Test("nrpe-external-master-relation-changed, nothing new: only the nrpe relation is read again")
    func nrpeChanged() async {
        let (scenario, _, nrpe, _) = await Self.related()
        scenario.resetRecording()
        let outcome = await scenario.run(
            .relation(endpoint: "nrpe-external-master", kind: .changed),
            relationID: nrpe,
            remoteUnit: "nrpe/0"
        )
        #expect(outcome.exitCode == 0)
        #expect(
            scenario.tools.calls == [
                "state-get", "config-get", "relation-get", "is-leader", "relation-list", "relation-get",
            ]
        )
        Self.expectNoWrite(scenario)
    }

    @Test("docker-registry-relation-changed, nothing new: the clients' data is never read")
    func clientsChanged() async {
        let (scenario, _, _, clients) = await Self.related()
        scenario.resetRecording()
        let outcome = await scenario.run(
            .relation(endpoint: "docker-registry", kind: .changed),
            relationID: clients,
            remoteUnit: "containerd/0"
        )
        #expect(outcome.exitCode == 0)
        #expect(scenario.tools.calls == ["state-get", "config-get", "relation-get", "is-leader"])
        Self.expectNoWrite(scenario)
    }

    @Test("update-status with three relations: one state-get, nothing else")
    func updateStatusRelated() async {
        let (scenario, _, _, _) = await Self.related()
        await scenario.run(.unit(.updateStatus))
        scenario.resetRecording()
        await scenario.run(.unit(.updateStatus))
        #expect(scenario.tools.calls == ["state-get"])
        Self.expectNoWrite(scenario)
    }

    @Test("a proxy unit's new address reaches the stanza in its relation-changed, though other hooks use memory")
    func rememberedDataFollowsChanges() async throws {
        let (scenario, website, _, _) = await Self.related()
        await scenario.changeRemote(website, unit: "haproxy/0", ["ingress-address": "10.9.9.77"])
        // The netloc clients get goes through the proxy's new address.
        #expect(scenario.status == .active("Ready at 10.9.9.77:5000 (http, proxied)."))
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        #expect(!scenario.tools.calls.contains("relation-list"))
        #expect(scenario.status == .active("Ready at 10.9.9.77:5000 (http, proxied)."))
    }

    @Test("a relation added later is asked about in its -created hook, and one removed is forgotten in -broken")
    func relationIdsFollowCreatedAndBroken() async {
        let (scenario, website, _, _) = await Self.related()
        let second = await scenario.relate("website", "haproxy-two", units: ["haproxy-two/0": [:]])
        #expect(scenario.published(second)["port"] == "5000")
        await scenario.unrelate(website)
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        #expect(!scenario.tools.calls.contains("relation-ids"))
        #expect(!scenario.tools.calls.contains("relation-set"))
        let remembered = UnitState(stateGet: scenario.tools.model.state).values["relations"]?.objectValue
        #expect(remembered?["ids"]?.objectValue?["website"] == .array([.string(second)]))
        #expect(remembered?["units"]?.objectValue?[website] == nil)
    }

    @Test("nothing secret is remembered: no cert-provider or application databag in the unit state")
    func noSecretsRemembered() async {
        let (scenario, _, _, _) = await Self.related()
        let remembered = UnitState(stateGet: scenario.tools.model.state).values["relations"]?.objectValue
        let bags = remembered?["bags"]?.objectValue ?? [:]
        #expect(!bags.isEmpty)
        #expect(bags.keys.allSatisfy { !$0.hasPrefix("cert-provider:") && !$0.hasPrefix("docker-registry:") })
        #expect(bags.values.allSatisfy { $0.objectValue?.keys.allSatisfy { $0.contains("/") } ?? false })
    }
}

@Suite("Remembered relations: a hook about a relation the memory missed")
struct RelationMemoryGapScenarioTests {
    @Test("a relation whose -created hook the memory missed is found in its next hook and gets the data")
    func missedCreated() async {
        let scenario = Scenario()
        await scenario.deploy()
        // A proxy relation appears without its -created hook having run (as after a lost unit state).
        scenario.tools.update {
            $0.relations["website:7"] = .init(
                endpoint: "website",
                remoteApp: "haproxy",
                remoteUnits: ["haproxy/0"],
                remoteUnitData: ["haproxy/0": ["ingress-address": "10.9.9.0"]]
            )
        }
        scenario.resetRecording()
        await scenario.run(
            .relation(endpoint: "website", kind: .changed),
            relationID: "website:7",
            remoteUnit: "haproxy/0"
        )
        #expect(scenario.tools.calls.contains("relation-ids"))
        #expect(scenario.published("website:7")["port"] == "5000")
    }
}
