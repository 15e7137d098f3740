import JujuKit
import JujuKitTesting
import RegistryCharm
import RegistryCharmTesting
import Testing

@Suite("Authentication and TLS")
struct SecurityScenarioTests {
    static let password = "c0rrect: horse # battery\nstaple"

    @Test("basic auth writes a 0600 bcrypt htpasswd; the password is nowhere else")
    func basicAuth() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["auth-basic-user": "admin", "auth-basic-password": .string(Self.password)])
        let htpasswd = try #require(scenario.files.files["/etc/docker/registry/htpasswd"])
        #expect(htpasswd.mode == .ownerOnly)
        let content = String(decoding: htpasswd.content, as: UTF8.self)
        #expect(content.hasPrefix("admin:$2"))
        #expect(Htpasswd.verify(content: content, user: "admin", password: Self.password))
        #expect(!content.contains(Self.password))
        let config = scenario.text("/etc/docker/registry/config.yml") ?? ""
        #expect(config.contains("/etc/docker/registry/htpasswd"))
        #expect(!config.contains("horse"))
        #expect(!scenario.everythingPrinted.contains("horse"))
        let run = scenario.docker.runner.commands.last { $0.arguments.first == "run" }
        #expect(run?.arguments.contains("/etc/docker/registry/htpasswd:/etc/docker/registry/htpasswd:ro") == true)
    }

    @Test("an unchanged password does not rewrite htpasswd; a new one does and re-creates the container")
    func passwordChange() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["auth-basic-user": "admin", "auth-basic-password": "first-password"])
        let id = scenario.docker.containers.first?.id
        scenario.resetRecording()
        await scenario.run(.unit(.configChanged))
        #expect(!scenario.files.writes.contains("/etc/docker/registry/htpasswd"))
        #expect(scenario.docker.containers.first?.id == id)

        await scenario.configure(["auth-basic-password": "second-password"])
        let content = scenario.text("/etc/docker/registry/htpasswd") ?? ""
        #expect(Htpasswd.verify(content: content, user: "admin", password: "second-password"))
        #expect(scenario.docker.containers.first?.id != id)
    }

    @Test("a deleted htpasswd is written again even though the password did not change (reactive bug F.2 #9)")
    func missingHtpasswd() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["auth-basic-user": "admin", "auth-basic-password": "pw-one-two"])
        try scenario.files.remove("/etc/docker/registry/htpasswd")
        await scenario.run(.unit(.configChanged))
        let content = scenario.text("/etc/docker/registry/htpasswd") ?? ""
        #expect(Htpasswd.verify(content: content, user: "admin", password: "pw-one-two"))
    }

    @Test("turning basic auth off removes the file and the auth section")
    func authOff() async throws {
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(["auth-basic-user": "admin", "auth-basic-password": "pw-one-two"])
        await scenario.configure(["auth-basic-password": ""])
        #expect(scenario.files.files["/etc/docker/registry/htpasswd"] == nil)
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("htpasswd") == false)
    }

    @Test("TLS from blobs: key 0600, https status, the local docker trusts the CA, no insecure entry")
    func tlsFromBlobs() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        #expect(scenario.text("/etc/docker/daemon.json")?.contains("10.0.0.5:5000") == true)
        await scenario.configure(certificates.blobs(withCA: true))
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (https)."))
        #expect(scenario.files.files["/etc/docker/registry/registry.key"]?.mode == .ownerOnly)
        #expect(scenario.files.files["/etc/docker/registry/registry.crt"]?.mode == .publicReadable)
        #expect(scenario.text("/etc/docker/certs.d/10.0.0.5:5000/ca.crt") == certificates.caPEM)
        #expect(scenario.files.files["/etc/docker/certs.d/10.0.0.5:5000/client.key"]?.mode == .ownerOnly)
        #expect(scenario.text("/etc/docker/daemon.json")?.contains("10.0.0.5:5000") == false)
        let config = scenario.text("/etc/docker/registry/config.yml") ?? ""
        #expect(config.contains("/etc/docker/registry/registry.crt") && config.contains("clientcas"))
        #expect(!scenario.everythingPrinted.contains("PRIVATE KEY"))
    }

    @Test("custom TLS paths are mounted at the same path, so config.yml is valid inside the container (F.2 #8)")
    func customTLSPaths() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(
            certificates.blobs().merging(["tls-cert-path": "/opt/tls/site.crt", "tls-key-path": "/opt/tls/site.key"]) {
                $1
            }
        )
        let run = try #require(scenario.docker.runner.commands.last { $0.arguments.first == "run" })
        #expect(run.arguments.contains("/opt/tls/site.crt:/opt/tls/site.crt:ro"))
        #expect(run.arguments.contains("/opt/tls/site.key:/opt/tls/site.key:ro"))
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("/opt/tls/site.key") == true)
        #expect(scenario.text("/etc/docker/registry/config.yml")?.contains("clientcas") == false)
    }

    @Test("a key that does not match the certificate blocks on tls-cert-blob and changes nothing")
    func mismatchedKey() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        scenario.resetRecording()
        await scenario.configure(certificates.blobs(key: certificates.otherKeyPEM))
        #expect(scenario.status?.state == .blocked)
        #expect(scenario.status?.message.contains("tls-cert-blob") == true)
        #expect(scenario.files.writes.isEmpty)
    }

    @Test("clearing the blobs removes the files the charm wrote and goes back to http")
    func clearTLS() async throws {
        let certificates = try TestCertificates.make()
        let scenario = Scenario()
        await scenario.deploy()
        await scenario.configure(certificates.blobs())
        await scenario.configure(["tls-cert-blob": "", "tls-key-blob": ""])
        #expect(scenario.files.files["/etc/docker/registry/registry.key"] == nil)
        #expect(scenario.status == .active("Ready at 10.0.0.5:5000 (http)."))
        #expect(scenario.files.files["/etc/docker/certs.d/10.0.0.5:5000/ca.crt"] == nil)
    }
}
