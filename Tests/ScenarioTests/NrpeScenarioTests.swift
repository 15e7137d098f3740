import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

@Suite("nrpe-external-master relation: Nagios checks")
struct NrpeScenarioTests {
    static let command = "/etc/nagios/nrpe.d/check_docker_registry.cfg"
    static let dockerCommand = "/etc/nagios/nrpe.d/check_docker.cfg"

    @Test("checks, exported services and monitors; host name from the nrpe unit")
    func files() async throws {
        let scenario = Scenario(config: ["nagios_context": "prod", "nagios_servicegroups": "registries,prod"])
        await scenario.deploy()
        let id = await scenario.relate(
            "nrpe-external-master",
            "nrpe",
            units: ["nrpe/0": ["nagios_hostname": "reg-host"]]
        )
        let command = try #require(scenario.text(Self.command))
        #expect(
            command.contains(
                "command[check_docker_registry]=/usr/lib/nagios/plugins/check_http -I 127.0.0.1 -p 5000 -u /v2/ -e 200 -t 10\n"
            )
        )
        #expect(scenario.text(Self.dockerCommand)?.contains("check_procs -c 1: -C dockerd") == true)
        let service = try #require(scenario.text("/var/lib/nagios/export/service__reg-host_check_docker_registry.cfg"))
        #expect(service.contains("host_name                       reg-host\n"))
        #expect(service.contains("check_command                   check_nrpe!check_docker_registry\n"))
        #expect(service.contains("servicegroups                   registries,prod\n"))
        let monitors = try JSONSerialization.jsonObject(with: Data((scenario.published(id)["monitors"] ?? "").utf8))
        let nrpe = ((monitors as? [String: Any])?["monitors"] as? [String: Any])?["remote"] as? [String: Any]
        #expect((nrpe?["nrpe"] as? [String: Any])?.keys.sorted() == ["docker", "docker_registry"])
        #expect(scenario.published(id)["timestamp"] == nil)
    }

    @Test("default host name is <context>-<unit>; auth expects 401; https adds -S and the client pair under mTLS")
    func modes() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario(config: ["auth-basic-user": "admin", "auth-basic-password": "pw"])
        await scenario.deploy()
        await scenario.relate("nrpe-external-master", "nrpe", units: ["nrpe/0": [:]])
        #expect(
            scenario.files.exists("/var/lib/nagios/export/service__juju-docker-registry-0_check_docker_registry.cfg")
        )
        #expect(scenario.text(Self.command)?.contains("-e 401") == true)
        try scenario.files.write(
            "/etc/passwd",
            text: "root:x:0:0::/root:/bin/sh\nnagios:x:112:118::/var/lib/nagios:/usr/sbin/nologin\n",
            mode: .publicReadable
        )
        await scenario.configure(certificates.blobs(withCA: true))
        let command = try #require(scenario.text(Self.command))
        #expect(
            command.contains("-S -J /etc/nagios/docker-registry/client.crt -K /etc/nagios/docker-registry/client.key")
        )
        let key = try #require(scenario.files.files["/etc/nagios/docker-registry/client.key"])
        #expect(key.mode == .ownerOnly)
        #expect(key.owner == FileOwner(user: 112, group: 118))
    }

    @Test("an unusable nagios_hostname from the remote side is not written into the definition")
    func hostileHostname() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.relate(
            "nrpe-external-master",
            "nrpe",
            units: ["nrpe/0": ["nagios_hostname": "x\n}\ndefine host {"]]
        )
        #expect(
            scenario.files.exists("/var/lib/nagios/export/service__juju-docker-registry-0_check_docker_registry.cfg")
        )
    }

    @Test("idempotent: no file and no relation write when nothing changed; everything gone with the relation")
    func idempotentAndRemoval() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate("nrpe-external-master", "nrpe", units: ["nrpe/0": [:]])
        scenario.resetRecording()
        await scenario.run(
            .relation(endpoint: "nrpe-external-master", kind: .changed),
            relationID: id,
            remoteUnit: "nrpe/0"
        )
        await scenario.run(.unit(.configChanged))
        #expect(scenario.files.writes.isEmpty)
        #expect(!scenario.tools.calls.contains("relation-set"))
        await scenario.unrelate(id)
        #expect(!scenario.files.exists(Self.command))
        #expect(!scenario.files.exists(Self.dockerCommand))
        #expect(scenario.files.files.keys.filter { $0.hasPrefix("/var/lib/nagios/export/") }.isEmpty)
    }

    @Test("the unit going (stop, remove) takes the nrpe files with it")
    func unitRemoved() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.relate("nrpe-external-master", "nrpe", units: ["nrpe/0": [:]])
        #expect(scenario.files.exists(Self.command))
        await scenario.run(.unit(.stop))
        await scenario.run(.unit(.remove))
        #expect(!scenario.files.exists(Self.command))
        #expect(!scenario.files.exists(Self.dockerCommand))
        #expect(scenario.files.files.keys.filter { $0.hasPrefix("/var/lib/nagios/export/") }.isEmpty)
    }

    @Test("an invalid nagios_context blocks naming the option")
    func badContext() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["nagios_context": "bad context\n"])
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("nagios_context") == true)
    }
}
