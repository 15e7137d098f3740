import Foundation
import Testing

/// The reliability suite's bad-config area: one deployment, then one hostile or invalid value after another.
///
/// Every case must: exit the hook 0, block naming the option, change nothing on disk (`/etc/docker/registry`,
/// `daemon.json`, the paths the value names) or in docker (the container id), keep the registry answering, and come
/// back to active when the option is reset. Prints `bad config: N cases tried, N passed`.
@Suite("Reliability: bad config", .serialized, .enabled(if: CharmUnderTest.enabled))
struct ReliabilityBadConfigTests {
    struct Case: Sendable {
        /// The option the blocked message must name.
        var option: String
        var settings: [String: String]
        /// Paths that must still not exist afterwards (a value naming a file must not create it).
        var mustNotExist: [String] = []

        var description: String {
            settings.map { "\($0.key)=\($0.value.debugDescription)" }.sorted().joined(separator: " ")
        }
    }

    static func one(_ option: String, _ values: [String], mustNotExist: Bool = false) -> [Case] {
        values.map { Case(option: option, settings: [option: $0], mustNotExist: mustNotExist ? [$0] : []) }
    }

    static let s3 = ["storage-s3-region": "us-east-1", "storage-s3-bucket": "images"]
    static let custom = ["docker_runtime": "custom"]

    static let cases: [Case] =
        // Registry container.
        one("registry-port", ["0", "70000", "-1", "65536"])
        + one("debug-port", ["0", "5000", "99999"])
        + one("registry-image", ["UPPER/Case:1", "-rm", "a b", "registry:", "reg@sha256:bad", "a\nb"])
        + one("registry-name", ["bad name!", "-x", "a", "name/with/slash", "x;rm -rf", ".hidden"])
        + one("registry-http-proxy", ["proxy:3128 x", "ftp://proxy:21", "http://proxy:3128/path", "http://p:1\nX=1"])
        + one("registry-https-proxy", ["proxy:3128 x", "gopher://proxy", "http://p:1/x"])
        // The registry's configuration.
        + one("http-host", ["not a url", "ftp://host.example", "https://host.example/path", "https://a b/"])
        + one("log-level", ["loud", "trace2", "verbose"])
        + one("storage-cache", ["redis", "memcached", "in memory"])
        + [
            Case(option: "auth-basic-user", settings: ["auth-basic-user": "", "auth-basic-password": "pw"]),
            Case(option: "auth-basic-user", settings: ["auth-basic-user": "a:b", "auth-basic-password": "pw"]),
            Case(option: "auth-basic-user", settings: ["auth-basic-user": "a b", "auth-basic-password": "pw"]),
            Case(
                option: "auth-basic-password",
                settings: ["auth-basic-user": "alice", "auth-basic-password": String(repeating: "x", count: 73)]
            ),
            Case(option: "auth-token", settings: ["auth-token-issuer": "issuer"]),
            Case(option: "auth-token", settings: ["auth-token-realm": "https://auth.example/token"]),
            Case(
                option: "auth-token-realm",
                settings: [
                    "auth-token-issuer": "i", "auth-token-realm": "not a url", "auth-token-service": "s",
                    "auth-token-root-certs": "bm8=",
                ]
            ),
            Case(
                option: "auth",
                settings: [
                    "auth-basic-user": "alice", "auth-basic-password": "pw", "auth-token-issuer": "i",
                    "auth-token-realm": "https://auth.example/token", "auth-token-service": "s",
                    "auth-token-root-certs": "bm8=",
                ]
            ),
        ]
        + one("cache-remoteurl", ["ftp://mirror.example", "not a url", "https://mirror.example:99999"])
        + [
            Case(option: "storage-swift", settings: ["storage-swift-authurl": "https://keystone.example/v3"]),
            Case(option: "storage-swift-authurl", settings: ["storage-swift-authurl": "not a url"]),
            Case(option: "storage-s3-bucket", settings: ["storage-s3-region": "us-east-1"]),
            Case(option: "storage-s3-region", settings: ["storage-s3-bucket": "images"]),
            Case(option: "storage-s3-loglevel", settings: s3.merging(["storage-s3-loglevel": "loud"]) { $1 }),
            Case(option: "storage-s3-storageclass", settings: s3.merging(["storage-s3-storageclass": "GOLD"]) { $1 }),
            Case(option: "storage-s3-chunksize", settings: s3.merging(["storage-s3-chunksize": "1"]) { $1 }),
            Case(
                option: "storage-s3-regionendpoint",
                settings: s3.merging(["storage-s3-regionendpoint": "x y"]) { $1 }
            ),
        ]
        // TLS material and paths.
        + one("tls-cert-blob", ["%%%not-base64", "bm90IGEgY2VydA=="])
        + one("tls-key-blob", ["bm90IGEga2V5", "%%%"])
        + one("tls-ca-blob", ["bm90IGEgY2E=", "%%%"])
        + one(
            "tls-key-path",
            [
                "registry.key", "/etc/docker/registry/htpasswd", "/etc/docker/registry/config.yml",
                "/etc/docker/registry/auth_token.pem", "/etc/docker/registry/registry.env", "/etc/docker/daemon.json",
                "/srv/registry/registry.key", "/var/lib/registry/registry.key", "/proc/self/registry.key",
                "/usr/bin/registry.key", "/etc/docker/registry", "/etc/docker/registry/",
                "/etc/docker/registry/registry.crt",
            ]
        )
        + one(
            "tls-cert-path",
            [
                "/some/dir/a:b.crt", "/some/dir/a,b.crt", "/etc/docker/../x.crt", "/etc/docker/./x.crt",
                "/etc/docker//x.crt", " /etc/x.crt", "/etc/docker/certs.d/x.crt", "/etc/x\n.crt",
            ],
            mustNotExist: true
        )
        + one("tls-ca-path", ["/etc/docker/registry/registry.key", "/etc/systemd/system/docker.service.d/ca.crt"])
        // The docker host.
        + one("docker_runtime", ["podman", "lxc"])
        + [
            Case(option: "docker_runtime_repo", settings: custom),
            Case(option: "docker_runtime_repo", settings: ["docker_runtime_repo": "bogus line"]),
            Case(option: "docker_runtime_package", settings: ["docker_runtime_package": "Bad_Name"]),
            Case(option: "docker_runtime_key_url", settings: ["docker_runtime_key_url": "ftp://keys.example"]),
        ]
        + one(
            "daemon-opts",
            [
                "{not json", "[1]", "\"text\"", #"{"hosts":["tcp://0.0.0.0:2375"]}"#, #"{"hosts":["unix:///x.sock"]}"#,
                #"{"insecure-registries":"notalist"}"#, #"{"insecure-registries":["http://x:5000"]}"#,
                #"{"log-level":"bogus"}"#, #"{"log-opts":{"max-file":100}}"#, #"{"mtu":"big"}"#, #"{"debug":"yes"}"#,
                #"{"labels":[1]}"#, #"{"default-runtime":1}"#,
            ]
        )
        + one(
            "docker-opts",
            [
                "debug", "--label 'a b", "--log-level=bogus", "-l bogus", "-H tcp://0.0.0.0:2375",
                "--host=tcp://0.0.0.0:2375", "--bogus-flag", "--insecure-registry", "--insecure-registry http://x:5000",
                "--mtu x", "--debug=maybe", "--log-opt nokv", "-H tcp://0.0.0.0:2376 --tlsverify", "-H ssh://host",
            ]
        )
        + one("http_proxy", ["proxy:3128 x", "http://proxy:3128\nX=1", "ftp://proxy:21", "http://proxy:3128/path"])
        + one("https_proxy", ["proxy:3128 x", "http://proxy:3128\rX"])
        + one("no_proxy", ["localhost\nEnvironment=X=1", "a\tb", "a\u{7f}"])
        + one("package_status", ["purge", "remove"])
        + one("extra_packages", ["Bad_Pkg", "pkg;rm", "pkg$(id)"])
        + one("install_sources", ["[unclosed", "{a: b}"])
        + [
            Case(
                option: "install_keys",
                settings: ["install_sources": #"["ppa:a/b"]"#, "install_keys": "[null, null]"]
            )
        ]
        // Monitoring.
        + one("nagios_context", ["bad context!", "a;b", "ctx\nx"])
        + one("nagios_servicegroups", ["a b", "g 1,g2", "g;1"])

    /// What must not change: every file under /etc/docker/registry (type, mode, bytes) and daemon.json.
    static func snapshot() -> [String: String] {
        var result: [String: String] = [:]
        let manager = FileManager.default
        let root = "/etc/docker/registry"
        var paths = [root, "/etc/docker/daemon.json"]
        paths += (manager.enumerator(atPath: root)?.allObjects as? [String] ?? []).map { "\(root)/\($0)" }
        for path in paths {
            guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
            let type = attributes[.type] as? FileAttributeType
            let mode = attributes[.posixPermissions] as? Int ?? 0
            let bytes = type == .typeDirectory ? "" : (manager.contents(atPath: path)?.base64EncodedString() ?? "")
            result[path] = "\(type?.rawValue ?? "?") \(String(mode, radix: 8)) \(bytes)"
        }
        return result
    }

    @Test("every bad value blocks naming the option and changes nothing; resetting it recovers")
    func badConfig() throws {
        #expect(Self.cases.count >= 100)
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        let ready = "Ready at 127.0.0.1:5000 (http)."
        try #require(try charm.unitStatus().message == ready)
        var id = try charm.containerID()
        var before = Self.snapshot()
        let started = Date()
        var passed = 0
        for bad in Self.cases {
            var failures: [String] = []
            do {
                let output = try charm.sim(
                    ["config"] + bad.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                )
                if !output.succeeded { failures.append("charm-sim config failed: \(output.stdout) \(output.stderr)") }
                let status = try charm.unitStatus()
                if status.state != "blocked" { failures.append("state \(status.state): \(status.message)") }
                let head = status.message.components(separatedBy: " — ").first ?? ""
                if !head.hasPrefix("Invalid charm config: ") || !head.contains(bad.option) {
                    failures.append("message does not name \(bad.option): \(status.message)")
                }
                if Self.snapshot() != before { failures.append("files changed") }
                for path in bad.mustNotExist where FileManager.default.fileExists(atPath: path) {
                    failures.append("\(path) was created")
                }
                if try charm.containerID() != id { failures.append("the container changed") }
                if try curl("http://127.0.0.1:5000/v2/")?.status != 200 { failures.append("the registry stopped") }
                try charm.reset(bad.settings.keys.filter { $0 != "registry-image" })
                if bad.settings["registry-image"] != nil {
                    try charm.configure(["registry-image": CharmUnderTest.registryImage])
                }
                let after = try charm.unitStatus()
                if after.message != ready { failures.append("after reset: \(after.state) \(after.message)") }
            } catch {
                failures.append("\(error)")
            }
            if failures.isEmpty {
                passed += 1
            } else {
                Issue.record("\(bad.description): \(failures.joined(separator: "; "))")
                // Judge the next case against what is there now, so one failure does not fail every later case.
                id = try charm.containerID()
                before = Self.snapshot()
            }
        }
        let seconds = Int(Date().timeIntervalSince(started))
        print("bad config: \(Self.cases.count) cases tried, \(passed) passed (\(seconds) s)")
        #expect(passed == Self.cases.count)
    }
}
