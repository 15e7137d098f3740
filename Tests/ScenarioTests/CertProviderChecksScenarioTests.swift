import Foundation
import JujuKit
import JujuKitTesting
import RegistryCharmTesting
import Testing

/// A certificate from cert-provider is applied only when clients can use it.
///
/// It must be signed by the CA sent with it, cover the address clients are given, and be of a sane size. Otherwise the last good certificate keeps serving and the status
/// says why.
@Suite("cert-provider: certificates clients could not use are not applied")
struct CertProviderChecksScenarioTests {
    /// A unit serving https with a good certificate from the relation; returns the scenario, relation id and pair.
    static func servingWithGoodCertificate() async throws -> (Scenario, String, TestCertificates) {
        let good = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        let id = await scenario.relate(
            "cert-provider",
            "easyrsa",
            units: ["easyrsa/0": CertProviderScenarioTests.easyrsaData(good)]
        )
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        return (scenario, id, good)
    }

    @Test(
        "each unusable answer keeps the last good certificate, says why, and good data back restores it",
        arguments: [
            "a CA that did not sign it", "signed by another CA", "not covering the unit's address", "a 1 MB leaf",
        ]
    )
    func unusableCertificate(case name: String) async throws {
        let (scenario, id, good) = try await Self.servingWithGoodCertificate()
        let container = scenario.docker.containers.first?.id
        let other = try TestCertificates.make()
        var data = CertProviderScenarioTests.easyrsaData(good)
        let expected: String
        switch name {
        case "a CA that did not sign it":
            data["ca"] = other.caPEM
            expected = "the certificate is not signed by the CA cert-provider sent"
        case "signed by another CA":
            data["docker-registry_0.server.cert"] = other.certificatePEM
            data["docker-registry_0.server.key"] = other.keyPEM
            expected = "the certificate is not signed by the CA cert-provider sent"
        case "not covering the unit's address":
            let narrow = try TestCertificates.make(sans: "DNS:elsewhere.example")
            data = CertProviderScenarioTests.easyrsaData(narrow)
            expected = "the certificate does not cover 10.0.0.5, the address clients are given"
        default:
            data["docker-registry_0.server.cert"] = good.certificatePEM + String(repeating: "#", count: 1 << 20)
            expected = "the certificate is 1"
        }
        await scenario.changeRemote(id, unit: "easyrsa/0", data.mapValues(Optional.some))
        let status = try #require(scenario.status)
        #expect(status.state == .waiting)
        #expect(status.message.contains(expected), "\(status.message)")
        #expect(scenario.text("/etc/docker/registry/registry.crt") == good.certificatePEM)
        #expect(scenario.text("/etc/docker/registry/ca.crt") == good.caPEM)
        #expect(scenario.docker.containers.first?.id == container)

        await scenario.changeRemote(
            id,
            unit: "easyrsa/0",
            CertProviderScenarioTests.easyrsaData(good).mapValues(Optional.some)
        )
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
    }
}
