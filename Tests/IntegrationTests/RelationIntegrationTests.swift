import Foundation
import Testing

/// The relations with real clients: easy-rsa certificates over cert-provider, docker and containerd configured
/// only from the docker-registry relation data, Debian's check_http running the nrpe command, a real haproxy built
/// from the website stanza.
@Suite("Relations on a real docker engine", .serialized, .enabled(if: CharmUnderTest.enabled))
struct RelationIntegrationTests {
    /// easyrsa's keys for `docker-registry/0`.
    static func easyrsaData(_ pki: EasyRSA) throws -> [String: String] {
        [
            "ca": pki.ca, "chain": pki.ca,
            "docker-registry_0.server.cert": pki.serverCertificate,
            "docker-registry_0.server.key": pki.serverKey,
            "client.cert": try String(contentsOfFile: pki.clientCertificatePath, encoding: .utf8),
            "client.key": try String(contentsOfFile: pki.clientKeyPath, encoding: .utf8),
        ]
    }

    /// The docker-registry databag decoded as the interface decodes it (JSON; `null` is nil).
    static func decoded(_ bag: [String: String]) throws -> [String: String?] {
        var values: [String: String?] = [:]
        for key in ["registry_netloc", "registry_url", "basic_user", "basic_password", "tls_ca"] {
            let text = try #require(bag[key], "\(key) is published")
            let value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            values[key] = .some(value as? String)
        }
        return values
    }

    /// The socket of the containerd that dockerd runs.
    static var containerdSocket: String {
        let managed = "/var/run/docker/containerd/containerd.sock"
        return FileManager.default.fileExists(atPath: managed) ? managed : "/run/containerd/containerd.sock"
    }

    /// Tags the busybox test image as `image`, pushes it, removes the local tag and pulls it back.
    static func pushAndPullBack(_ image: String, environment: [String: String] = [:]) throws {
        try shell("docker", ["tag", CharmUnderTest.busyboxImage, image])
        let push = try shell("docker", ["push", image], environment: environment)
        #expect(push.succeeded, "push \(image): \(push.stderr)")
        try shell("docker", ["rmi", image])
        let pull = try shell("docker", ["pull", image], environment: environment)
        #expect(pull.succeeded, "pull \(image): \(pull.stderr)")
        try shell("docker", ["rmi", image])
    }

    /// curl's TLS options for the test's client pair.
    static func clientTLS(_ pki: EasyRSA) -> [String] {
        ["--cacert", pki.caPath, "--cert", pki.clientCertificatePath, "--key", pki.clientKeyPath]
    }

    @Test(
        "easyrsa over cert-provider → https with client certificates; docker and containerd configured from the relation pull"
    )
    func tlsFromRelationAndClients() throws {
        let pki = try EasyRSA.make(serverClient: true)
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        let password = "pw-\(UUID().uuidString.prefix(8))"
        // Clients reach the registry by a name for ::1 (see HostsEntry): docker ignores certs.d for 127.0.0.0/8.
        try HostsEntry.add()
        defer { HostsEntry.remove() }
        try charm.deploy([
            "auth-basic-user": "admin", "auth-basic-password": password,
            "http-host": "https://\(HostsEntry.name):5000",
        ])
        let clients = try charm.relate("docker-registry", "containerd")
        let tls = try charm.relate("cert-provider", "easyrsa", unitData: try Self.easyrsaData(pki))
        #expect(try charm.unitStatus().message == "Ready at \(HostsEntry.name):5000 (https).")

        let request = try charm.relationData(tls)
        #expect(request["common_name"] == "127.0.0.1")
        #expect(request["unit_name"] == "docker-registry_0")
        #expect(request["certificate_name"] == "docker-registry_0")
        let sans = try JSONSerialization.jsonObject(with: Data((request["sans"] ?? "").utf8)) as? [String]
        #expect(sans?.contains("127.0.0.1") == true)
        #expect(sans?.contains(HostsEntry.name) == true)

        // Mutual TLS: a client certificate from the CA is required.
        let base = "https://127.0.0.1:5000/v2/"
        #expect(try curl(base, extra: Self.clientTLS(pki))?.status == 401)
        #expect(
            try curl(base, extra: Self.clientTLS(pki), configLines: ["user = \"admin:\(password)\""])?.status == 200
        )
        #expect(try curl(base, extra: ["--cacert", pki.caPath]) == nil, "the handshake needs a client certificate")

        // Everything a client needs, from the relation data alone.
        let data = try Self.decoded(try charm.relationData(clients))
        #expect(data["registry_netloc"] == "\(HostsEntry.name):5000")
        #expect(data["registry_url"] == "https://\(HostsEntry.name):5000")
        #expect(data["basic_user"] == "admin")
        #expect(data["basic_password"] == .some(password))
        #expect(data["tls_ca"] == .some(pki.ca))
        let netloc = try #require(data["registry_netloc"] ?? nil)
        let user = try #require(data["basic_user"] ?? nil)
        let secret = try #require(data["basic_password"] ?? nil)
        let ca = try #require(data["tls_ca"] ?? nil)

        // The unit's docker: certs.d (the charm wrote it) and docker login.
        let dockerConfig = charm.root.appendingPathComponent("docker-config").path
        let environment = ["DOCKER_CONFIG": dockerConfig]
        let login = try shell(
            "docker",
            ["login", netloc, "-u", user, "--password-stdin"],
            input: secret,
            environment: environment
        )
        #expect(login.succeeded, "\(login.stderr)")
        let image = "\(netloc)/it/relation:tls"
        try Self.pushAndPullBack(image, environment: environment)

        // containerd's own client with a hosts.toml written as the k8s charm writes it.
        let hosts = charm.root.appendingPathComponent("hosts.d")
        let hostDirectory = hosts.appendingPathComponent(netloc)
        try FileManager.default.createDirectory(at: hostDirectory, withIntermediateDirectories: true)
        let caFile = hostDirectory.appendingPathComponent("ca.crt")
        try ca.write(to: caFile, atomically: true, encoding: .utf8)
        let authorization = Data("\(user):\(secret)".utf8).base64EncodedString()
        let toml = """
            server = "https://\(netloc)"

            [host."https://\(netloc)"]
              capabilities = ["pull", "resolve"]
              ca = "\(caFile.path)"
              client = [["\(pki.clientCertificatePath)", "\(pki.clientKeyPath)"]]
              [host."https://\(netloc)".header]
                Authorization = "Basic \(authorization)"

            """
        try toml.write(to: hostDirectory.appendingPathComponent("hosts.toml"), atomically: true, encoding: .utf8)
        let ctr = ["-a", Self.containerdSocket, "-n", "charm-it"]
        let pull = try shell("ctr", ctr + ["images", "pull", "--hosts-dir", hosts.path, image])
        #expect(pull.succeeded, "ctr pull: \(pull.stdout) \(pull.stderr)")
        _ = try shell("ctr", ctr + ["images", "rm", image])

        // Relation gone: http again, and clients are told.
        try charm.unrelate(tls)
        #expect(try charm.unitStatus().message == "Ready at \(HostsEntry.name):5000 (http).")
        let after = try Self.decoded(try charm.relationData(clients))
        #expect(after["registry_url"] == "http://\(HostsEntry.name):5000")
        #expect(after["tls_ca"] == .some(nil))
        #expect(try curl("http://127.0.0.1:5000/v2/")?.status == 401)
        #expect(!FileManager.default.fileExists(atPath: "/etc/docker/registry/registry.key"))

        // A relation hook with nothing new writes nothing.
        try charm.hook("docker-registry-relation-changed", relation: clients, remoteUnit: "containerd/0")
        let id = try charm.containerID()
        try charm.hook("docker-registry-relation-changed", relation: clients, remoteUnit: "containerd/0")
        #expect(
            try charm.lastHookToolCalls().allSatisfy { !$0.hasPrefix("relation-set") && !$0.hasPrefix("state-set") }
        )
        #expect(try charm.containerID() == id)
        #expect(!(try charm.logText()).contains(password))
    }

    /// The command line of an nrpe check as the charm wrote it.
    static func nrpeCommand(_ name: String) throws -> String {
        let text = try String(contentsOfFile: "/etc/nagios/nrpe.d/\(name).cfg", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("command[\(name)]=") })
        return String(line.dropFirst("command[\(name)]=".count))
    }

    /// Runs an nrpe command line as nrpe does (through /bin/sh); returns the plugin's exit code.
    static func runCheck(_ name: String) throws -> Int32 {
        try shell("/bin/sh", ["-c", try nrpeCommand(name)]).exitCode
    }

    @Test("nrpe: check_http passes in http, auth, https and mutual-TLS modes, is CRITICAL when stopped; files go")
    func nrpeChecks() throws {
        let pki = try EasyRSA.make(serverClient: true)
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let nrpe = try charm.relate("nrpe-external-master", "nrpe", unitData: ["nagios_hostname": "it-host"])
        #expect(try Self.runCheck("check_docker_registry") == 0)
        #expect(try Self.runCheck("check_docker") == 0)
        #expect(
            FileManager.default.fileExists(atPath: "/var/lib/nagios/export/service__it-host_check_docker_registry.cfg")
        )
        #expect(try charm.relationData(nrpe)["monitors"]?.contains("check_docker_registry") == true)

        try charm.configure(["auth-basic-user": "admin", "auth-basic-password": "nrpe-pw"])
        #expect(try Self.runCheck("check_docker_registry") == 0)
        try charm.configure(["tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64])
        #expect(try Self.runCheck("check_docker_registry") == 0)
        try charm.configure(["tls-ca-blob": pki.ca.base64])
        #expect(try curl("https://127.0.0.1:5000/v2/", extra: ["--cacert", pki.caPath]) == nil, "mutual TLS is on")
        #expect(try Self.nrpeCommand("check_docker_registry").contains("-J "))
        #expect(try Self.runCheck("check_docker_registry") == 0)

        try shell("docker", ["stop", "registry"])
        #expect(try Self.runCheck("check_docker_registry") == 2)

        try charm.unrelate(nrpe)
        for path in [
            "/etc/nagios/nrpe.d/check_docker_registry.cfg", "/etc/nagios/nrpe.d/check_docker.cfg",
            "/var/lib/nagios/export/service__it-host_check_docker_registry.cfg",
            "/etc/nagios/docker-registry/client.key",
        ] {
            #expect(!FileManager.default.fileExists(atPath: path), "\(path) removed")
        }
    }

    @Test("website: haproxy built from the stanza serves push and pull in http mode")
    func haproxyHTTP() throws {
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let website = try charm.relate("website", "haproxy", unitData: ["ingress-address": "127.0.0.1"])
        let bag = try charm.relationData(website)
        #expect(bag["port"] == "5000")
        #expect(try charm.unitStatus().message == "Ready at 127.0.0.1:5000 (http, proxied).")
        let proxy = try HAProxyHarness(services: try #require(bag["services"]), listenPort: 15000)
        defer { proxy.stop() }
        #expect(try eventually { try curl("http://127.0.0.1:15000/v2/")?.status == 200 })
        try Self.pushAndPullBack("127.0.0.1:15000/it/proxy:http")
    }

    @Test("website: TLS pass-through, clients verify the registry's own certificate through haproxy")
    func haproxyPassThrough() throws {
        let pki = try EasyRSA.make(serverClient: true)
        defer { pki.remove() }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy([
            "tls-cert-blob": pki.serverCertificate.base64, "tls-key-blob": pki.serverKey.base64,
            "tls-ca-blob": pki.ca.base64,
        ])
        let website = try charm.relate("website", "haproxy", unitData: ["ingress-address": "127.0.0.1"])
        let services = try #require(try charm.relationData(website)["services"])
        #expect(services.contains("mode tcp"))
        #expect(!services.contains("ssl"))
        let proxy = try HAProxyHarness(services: services, listenPort: 15001)
        defer { proxy.stop() }
        #expect(try eventually { try curl("https://127.0.0.1:15001/v2/", extra: Self.clientTLS(pki))?.status == 200 })
        #expect(try curl("https://127.0.0.1:15001/v2/", extra: ["--cacert", pki.caPath]) == nil)

        // docker ignores certs.d for 127.0.0.0/8: the client goes through a name for ::1.
        try HostsEntry.add()
        defer { HostsEntry.remove() }
        let trust = URL(fileURLWithPath: "/etc/docker/certs.d/\(HostsEntry.name):15001")
        try FileManager.default.createDirectory(at: trust, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: trust) }
        try FileManager.default.copyItem(atPath: pki.caPath, toPath: trust.appendingPathComponent("ca.crt").path)
        try FileManager.default.copyItem(
            atPath: pki.clientCertificatePath,
            toPath: trust.appendingPathComponent("client.cert").path
        )
        try FileManager.default.copyItem(
            atPath: pki.clientKeyPath,
            toPath: trust.appendingPathComponent("client.key").path
        )
        try Self.pushAndPullBack("\(HostsEntry.name):15001/it/proxy:tls")
    }
}
