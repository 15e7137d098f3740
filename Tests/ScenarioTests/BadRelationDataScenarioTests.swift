import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// What another application may put in its databag, however wrong, never fails a hook or half-applies anything.
@Suite("Bad relation data")
struct BadRelationDataScenarioTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var endpoint: String
        var remoteApp: String
        var data: [String: String]
        var testDescription: String { name }
    }

    static let pem = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"

    static let cases: [Case] = [
        Case(
            name: "certificate that is not PEM",
            endpoint: "cert-provider",
            remoteApp: "easyrsa",
            data: [
                "ca": pem, "docker-registry_0.server.cert": "garbage", "docker-registry_0.server.key": "garbage",
            ]
        ),
        Case(
            name: "certificate and key that do not parse",
            endpoint: "cert-provider",
            remoteApp: "easyrsa",
            data: [
                "ca": pem, "docker-registry_0.server.cert": pem, "docker-registry_0.server.key": pem,
            ]
        ),
        Case(
            name: "processed_requests that is not JSON",
            endpoint: "cert-provider",
            remoteApp: "easyrsa",
            data: [
                "ca": pem, "docker-registry_0.processed_requests": "{not json",
            ]
        ),
        Case(
            name: "processed_requests of the wrong shape",
            endpoint: "cert-provider",
            remoteApp: "easyrsa",
            data: [
                "ca": pem, "docker-registry_0.processed_requests": "[1, 2, 3]",
            ]
        ),
        Case(
            name: "a key without a certificate",
            endpoint: "cert-provider",
            remoteApp: "easyrsa",
            data: [
                "docker-registry_0.server.key": "x"
            ]
        ),
        Case(
            name: "nagios_hostname with a newline and a brace",
            endpoint: "nrpe-external-master",
            remoteApp: "nrpe",
            data: ["nagios_hostname": "host\n}\ndefine command {", "nagios_host_context": "ctx; rm -rf /"]
        ),
        Case(
            name: "nagios_hostname of 10 000 characters",
            endpoint: "nrpe-external-master",
            remoteApp: "nrpe",
            data: ["nagios_hostname": String(repeating: "a", count: 10_000)]
        ),
        Case(
            name: "a proxy without any address",
            endpoint: "website",
            remoteApp: "haproxy",
            data: [
                "ingress-address": "", "private-address": "",
            ]
        ),
        Case(
            name: "a proxy address with a newline",
            endpoint: "website",
            remoteApp: "haproxy",
            data: [
                "ingress-address": "10.0.0.9\nservices: []"
            ]
        ),
        Case(
            name: "a client sending garbage",
            endpoint: "docker-registry",
            remoteApp: "containerd",
            data: [
                "registry_netloc": "\"evil:1\"", "image": "$(reboot)", "tag": "`id`",
            ]
        ),
    ]

    @Test("hooks exit 0, the registry keeps serving, nothing is applied from the bad data", arguments: cases)
    func badData(_ bad: Case) async throws {
        let scenario = Scenario()
        await scenario.deploy()
        let config = scenario.text("/etc/docker/registry/config.yml")
        let container = scenario.docker.containers.first?.id
        let id = await scenario.relate(bad.endpoint, bad.remoteApp, units: ["\(bad.remoteApp)/0": bad.data])
        let outcome = await scenario.run(
            .relation(endpoint: bad.endpoint, kind: .changed),
            relationID: id,
            remoteUnit: "\(bad.remoteApp)/0"
        )
        #expect(outcome.exitCode == 0, "\(outcome.failure ?? "")")
        #expect(scenario.tools.model.statusHistory.allSatisfy { $0.state != .blocked })
        #expect(scenario.docker.containers.first?.id == container, "the container was not re-created")
        #expect(scenario.text("/etc/docker/registry/config.yml") == config)
        for (path, file) in scenario.files.files
        where path.hasPrefix("/etc/nagios") || path.hasPrefix("/var/lib/nagios") {
            let text = String(decoding: file.content, as: UTF8.self)
            #expect(!text.contains("define command"), "\(path)")
            #expect(!text.contains("rm -rf"), "\(path)")
        }
        if bad.endpoint == "website" {
            // No proxy address: clients keep the unit's own address.
            #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        }
    }
}
