import JujuKit
import JujuKitTesting
import Testing

@testable import RegistryCharm

@Suite("DockerHost trust")
struct DockerHostTrustTests {
    let directory = "/etc/docker/certs.d/registry.internal:5000"
    let ca = Array("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n".utf8)

    @Test func aCAIsWrittenPublicAndNeedsNoDaemonAction() throws {
        let fixture = DockerHostFixture()
        #expect(try fixture.host.trust(netloc: "registry.internal:5000", ca: ca, clientCertificate: nil))
        #expect(fixture.files.files["\(directory)/ca.crt"]?.content == ca)
        #expect(fixture.files.files["\(directory)/ca.crt"]?.mode == .publicReadable)
        #expect(fixture.runner.commands.isEmpty)
        #expect(try !fixture.host.trust(netloc: "registry.internal:5000", ca: ca, clientCertificate: nil))
        #expect(fixture.files.writes.count == 1)
    }

    @Test func clientCertificatesAreCopiesWithThePrivateKeyOwnerOnly() throws {
        let fixture = DockerHostFixture()
        try fixture.files.write("/etc/docker/registry/registry.crt", text: "CERT", mode: .publicReadable)
        try fixture.files.write("/etc/docker/registry/registry.key", text: "KEY", mode: .ownerOnly)
        try fixture.host.trust(
            netloc: "registry.internal:5000",
            ca: ca,
            clientCertificate: (cert: "/etc/docker/registry/registry.crt", key: "/etc/docker/registry/registry.key")
        )
        #expect(fixture.text("\(directory)/client.cert") == "CERT")
        #expect(fixture.files.files["\(directory)/client.cert"]?.mode == .publicReadable)
        #expect(fixture.text("\(directory)/client.key") == "KEY")
        #expect(fixture.files.files["\(directory)/client.key"]?.mode == .ownerOnly)

        #expect(try fixture.host.trust(netloc: "registry.internal:5000", ca: ca, clientCertificate: nil))
        #expect(fixture.files.files["\(directory)/client.cert"] == nil)
        #expect(fixture.files.files["\(directory)/client.key"] == nil)
        #expect(fixture.files.files["\(directory)/ca.crt"] != nil)
    }

    @Test func aMissingServerPairIsNamed() {
        let fixture = DockerHostFixture()
        #expect(throws: DockerHostError.missingFile("/nope.crt")) {
            try fixture.host.trust(netloc: "r:5000", ca: ca, clientCertificate: (cert: "/nope.crt", key: "/nope.key"))
        }
    }

    @Test func withoutTLSTheDirectoryGoesAndUntrustIsIdempotent() throws {
        let fixture = DockerHostFixture()
        try fixture.host.trust(netloc: "registry.internal:5000", ca: ca, clientCertificate: nil)
        #expect(try fixture.host.trust(netloc: "registry.internal:5000", ca: nil, clientCertificate: nil))
        #expect(!fixture.files.exists(directory))
        try fixture.host.trust(netloc: "registry.internal:5000", ca: ca, clientCertificate: nil)
        #expect(try fixture.host.untrust(netloc: "registry.internal:5000"))
        #expect(fixture.files.files.keys.allSatisfy { !$0.hasPrefix(directory) })
        #expect(try !fixture.host.untrust(netloc: "registry.internal:5000"))
        #expect(fixture.runner.commands.isEmpty)
    }

    @Test(arguments: ["../../etc", "a/b:5000", "", "x y"])
    func netlocsCannotEscapeCertsD(netloc: String) {
        let fixture = DockerHostFixture()
        #expect(throws: DockerHostError.invalidNetloc(netloc)) {
            try fixture.host.trust(netloc: netloc, ca: ca, clientCertificate: nil)
        }
        #expect(throws: DockerHostError.invalidNetloc(netloc)) { try fixture.host.untrust(netloc: netloc) }
    }
}
