import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

@Suite("cert-provider relation: TLS from easyrsa")
struct CertProviderScenarioTests {
    /// What easyrsa sends for `docker-registry/0` (raw keys).
    static func easyrsaData(_ certificates: TestCertificates) -> [String: String] {
        [
            "ca": certificates.caPEM,
            "chain": certificates.caPEM,
            "docker-registry_0.server.cert": certificates.certificatePEM,
            "docker-registry_0.server.key": certificates.keyPEM,
        ]
    }

    @Test("the request: raw common_name, unit_name and certificate_name, JSON sans with every address")
    func request() async throws {
        let scenario = Scenario(config: ["http-host": "https://registry.example.com:5000"])
        await scenario.deploy()
        let id = await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": [:]])
        let bag = scenario.published(id)
        #expect(bag["common_name"] == "10.0.0.5")
        #expect(bag["unit_name"] == "docker-registry_0")
        #expect(bag["certificate_name"] == "docker-registry_0")
        let sans = try #require(
            try JSONSerialization.jsonObject(with: Data((bag["sans"] ?? "").utf8)) as? [String]
        )
        #expect(sans.contains("10.0.0.5"))
        #expect(sans.contains("203.0.113.5"))
        #expect(sans.contains("registry.example.com"))
        #expect(sans == sans.sorted())
        #expect(scenario.status == .waiting("Waiting for a certificate from cert-provider."))
    }

    @Test("a certificate switches the registry to https with client certificates; clients get https and the CA")
    func certificateArrives() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        let clients = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let before = scenario.docker.containers.first?.id
        await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": Self.easyrsaData(certificates)])
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        #expect(scenario.docker.containers.first?.id != before)
        let key = try #require(scenario.files.files["/etc/docker/registry/registry.key"])
        #expect(key.mode == .ownerOnly)
        #expect(String(decoding: key.content, as: UTF8.self) == certificates.keyPEM)
        #expect(scenario.text("/etc/docker/registry/ca.crt") == certificates.caPEM)
        let config = scenario.text("/etc/docker/registry/config.yml") ?? ""
        #expect(config.contains("clientcas"))
        #expect(scenario.text("/etc/docker/certs.d/10.0.0.5:5000/ca.crt") == certificates.caPEM)
        #expect(scenario.files.files["/etc/docker/certs.d/10.0.0.5:5000/client.key"]?.mode == .ownerOnly)
        #expect(scenario.published(clients)["registry_url"] == "\"https://10.0.0.5:5000\"")
        let ca = try JSONSerialization.jsonObject(
            with: Data((scenario.published(clients)["tls_ca"] ?? "").utf8),
            options: [.fragmentsAllowed]
        )
        #expect(ca as? String == certificates.caPEM)
        #expect(!scenario.everythingPrinted.contains("PRIVATE KEY"))
    }

    @Test("incomplete data applies nothing: maintenance with the reactive charm's wording, still http")
    func incomplete() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        var data = Self.easyrsaData(certificates)
        data["ca"] = nil
        await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": data])
        #expect(scenario.status == .maintenance("Incomplete TLS data. Retrying."))
        #expect(scenario.files.files["/etc/docker/registry/registry.key"] == nil)
        #expect(!(scenario.text("/etc/docker/registry/config.yml") ?? "").contains("\"tls\""))
    }

    @Test("relation removed: back to http, the files it wrote removed, clients told http and a null CA")
    func relationRemoved() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        let clients = await scenario.relate("docker-registry", "containerd", units: ["containerd/0": [:]])
        let tls = await scenario.relate(
            "cert-provider",
            "easyrsa",
            units: ["easyrsa/0": Self.easyrsaData(certificates)]
        )
        await scenario.unrelate(tls)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        for name in ["registry.key", "registry.crt", "ca.crt"] {
            #expect(scenario.files.files["/etc/docker/registry/\(name)"] == nil)
        }
        #expect(!scenario.files.exists("/etc/docker/certs.d/10.0.0.5:5000"))
        #expect(scenario.published(clients)["registry_url"] == "\"http://10.0.0.5:5000\"")
        #expect(scenario.published(clients)["tls_ca"] == "null")
    }

    @Test("config TLS wins over the relation's certificate, and the relation's takes over when it is cleared")
    func configWins() async throws {
        let fromConfig = try TestCertificates.make()
        let fromRelation = try TestCertificates.make()
        let scenario = Scenario(config: fromConfig.blobs())
        await scenario.deploy()
        await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": Self.easyrsaData(fromRelation)])
        #expect(scenario.text("/etc/docker/registry/registry.crt") == fromConfig.certificatePEM)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        #expect(scenario.tools.model.logs.contains { $0.message.contains("win over the certificate") })
        await scenario.configure(["tls-cert-blob": "", "tls-key-blob": ""])
        #expect(scenario.text("/etc/docker/registry/registry.crt") == fromRelation.certificatePEM)
        #expect(scenario.text("/etc/docker/registry/ca.crt") == fromRelation.caPEM)
    }

    @Test("SANs unchanged: no new request; an address change asks for the new common name in cert_requests")
    func addressChange() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate("cert-provider", "easyrsa", units: ["easyrsa/0": Self.easyrsaData(certificates)])
        scenario.resetRecording()
        await scenario.run(
            .relation(endpoint: "cert-provider", kind: .changed),
            relationID: id,
            remoteUnit: "easyrsa/0"
        )
        #expect(!scenario.tools.calls.contains("relation-set"))
        scenario.tools.update { $0.privateAddress = "10.0.0.6" }
        await scenario.run(.unit(.configChanged))
        let bag = scenario.published(id)
        #expect(bag["common_name"] == "10.0.0.5")
        let requests = try #require(
            try JSONSerialization.jsonObject(with: Data((bag["cert_requests"] ?? "").utf8)) as? [String: Any]
        )
        #expect(requests["10.0.0.6"] != nil)
        // Until the new certificate comes, the registry keeps serving with the one it has.
        #expect(scenario.status == .waiting("Waiting for a certificate from cert-provider."))
        #expect((scenario.text("/etc/docker/registry/config.yml") ?? "").contains("clientcas"))
        let processed =
            #"{"10.0.0.6": {"cert": \#(jsonString(certificates.certificatePEM)), "key": \#(jsonString(certificates.keyPEM))}}"#
        await scenario.changeRemote(id, unit: "easyrsa/0", ["docker-registry_0.processed_requests": processed])
        #expect(scenario.status == .active("Ready at 10.0.0.6:5000 (https)."))
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    let data = (try? JSONSerialization.data(withJSONObject: text, options: [.fragmentsAllowed])) ?? Data()
    return String(decoding: data, as: UTF8.self)
}
