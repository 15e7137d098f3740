import Foundation
import JujuKit
import RegistryCharm
import Testing
import Yams

/// Typed values, defaults, storage and auth selection, secrets and the blocked message.
@Suite("Config typed values")
struct ConfigTypedValuesTests {
    typealias Support = ConfigTestSupport

    @Test func defaultsMatchTheReactiveCharm() {
        let config = Support.config()
        #expect(config.registryImage == "registry:2")
        #expect(config.registryName == "registry")
        #expect(config.registryPort == 5000)
        #expect(config.debugPort == 5001)
        #expect(config.registryHTTPProxy == nil)
        #expect(config.httpHost == nil)
        #expect(config.logLevel == .info)
        #expect(!config.prometheusMetrics)
        #expect(config.auth == .none)
        #expect(config.cache == nil)
        #expect(config.storage == .filesystem)
        #expect(!config.storageDelete && !config.storageReadOnly)
        #expect(config.storageCache == .inmemory)
        #expect(config.storageRedirectDisable)
        #expect(config.tls == TLSOptions())
        #expect(config.dockerRuntime == .auto)
        #expect(
            config.daemonOpts == [
                "log-driver": "json-file", "log-opts": .object(["max-size": "10m", "max-file": "100"]),
            ]
        )
        #expect(config.dockerOpts == [])
        #expect(config.httpProxy == nil && config.httpsProxy == nil && config.noProxy == nil)
        #expect(config.nagiosContext == "juju")
        #expect(config.nagiosServicegroups == nil)
        #expect(config.extraPackages == [])
        #expect(config.packageStatus == .install)
        #expect(config.installSources == [] && config.installKeys == [])
        #expect(config.aptKeyServer == "hkp://keyserver.ubuntu.com:80")
        #expect(config.secretValues == [])
        #expect(config.isValid)
    }

    @Test func everyOptionHasASpecAndNoDuplicates() {
        let names = CharmOptions.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(names.count == 88)
        #expect(CharmOptions.spec("storage-s3-skip-v4-auth")?.defaultValue == true)
        #expect(CharmOptions.spec("registry-http-proxy")?.defaultValue == .null)
    }

    /// The charm's `config.yaml` holds exactly these options (names, types, defaults).
    @Test func catalogueMatchesConfigYAML() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("config.yaml").path
        try #require(FileManager.default.fileExists(atPath: path), "config.yaml is missing at \(path)")
        let yaml = try #require(try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
        let options = try #require(yaml["options"] as? [String: [String: Any]])
        #expect(Set(options.keys) == Set(CharmOptions.all.map(\.name)))
        for spec in CharmOptions.all {
            guard let option = options[spec.name] else { continue }
            #expect(option["type"] as? String == spec.type.rawValue, "\(spec.name)")
            let declared: JSONValue
            switch option["default"] {
            case let value as Bool: declared = .bool(value)
            case let value as Int: declared = .int(value)
            case let value as String: declared = .string(value)
            default: declared = .null
            }
            #expect(declared == spec.defaultValue, "\(spec.name)")
        }
    }

    @Test func basicAuthNeedsUserAndPassword() {
        #expect(Support.config(["auth-basic-password": "pw"]).auth == .basic(user: "admin", password: "pw"))
        #expect(Support.config(["auth-basic-user": "bob", "auth-basic-password": ""]).auth == .none)
    }

    @Test func tokenAuthCarriesTheDecodedBundle() {
        let config = Support.config([
            "auth-token-issuer": "issuer", "auth-token-realm": "https://auth.example.com/token",
            "auth-token-service": "svc", "auth-token-root-certs": .string(Support.base64(Support.certificatePEM)),
        ])
        #expect(
            config.auth
                == .token(
                    issuer: "issuer",
                    realm: "https://auth.example.com/token",
                    service: "svc",
                    rootCertsPEM: Array(Support.certificatePEM.utf8)
                )
        )
    }

    @Test func storagePrioritySwiftThenS3ThenFilesystem() {
        let swift: [String: JSONValue] = [
            "storage-swift-authurl": "https://keystone/v3", "storage-swift-username": "u",
            "storage-swift-password": "p",
        ]
        let s3: [String: JSONValue] = ["storage-s3-region": "us-east-1", "storage-s3-bucket": "b"]
        let both = Support.config(swift.merging(s3) { first, _ in first })
        guard case .swift(let settings) = both.storage else {
            Issue.record("expected swift, got \(both.storage)")
            return
        }
        #expect(
            settings
                == SwiftStorage(
                    authURL: "https://keystone/v3",
                    username: "u",
                    password: "p",
                    container: "docker-registry",
                    authVersion: 3
                )
        )
        guard case .s3(let bucket) = Support.config(s3).storage else {
            Issue.record("expected s3")
            return
        }
        #expect(bucket == S3Storage(region: "us-east-1", bucket: "b"))
        #expect(Support.config(["storage-s3-region": "", "storage-s3-bucket": ""]).storage == .filesystem)
    }

    @Test("storage-s3-skip-v4-auth as the reactive charm described it: true (the default) signs with V4 everywhere")
    func s3SignatureV4KeptAfterRefresh() {
        // The reactive charm always signed with V4: with its default config, so does this one, on any endpoint.
        let minio = Support.config([
            "storage-s3-region": "us-east-1", "storage-s3-bucket": "b",
            "storage-s3-regionendpoint": "http://minio.internal:9000",
        ])
        guard case .s3(let s3) = minio.storage else {
            Issue.record("expected s3")
            return
        }
        #expect(s3.v4Auth, "Ceph RGW and MinIO keep Signature V4 with the default config")
        var optOut = s3
        optOut.signatureV4 = false
        #expect(!optOut.v4Auth, "false opts out off Amazon")
        optOut.regionEndpoint = "https://s3.eu-west-1.amazonaws.com"
        #expect(optOut.v4Auth, "amazon needs v4 whatever the option says")
        let explicit = Support.config([
            "storage-s3-region": "us-east-1", "storage-s3-bucket": "b",
            "storage-s3-regionendpoint": "http://ceph.internal:7480", "storage-s3-skip-v4-auth": false,
        ])
        guard case .s3(let v2) = explicit.storage else {
            Issue.record("expected s3")
            return
        }
        #expect(!v2.v4Auth)
    }

    @Test func secretValuesCoverEveryCredential() {
        let config = Support.config([
            "auth-basic-password": "basic-pw", "cache-password": "cache-pw", "storage-swift-password": "swift-pw",
            "storage-s3-secretkey": "s3-secret", "storage-s3-accesskey": "s3-access",
            "tls-key-blob": .string(Support.base64(Support.privateKeyPEM)),
            "http_proxy": "http://u:proxy%21pw@squid:3128", "registry-https-proxy": "https://u:rpw@squid:3129",
        ])
        let secrets = Set(config.secretValues)
        for secret in [
            "basic-pw", "cache-pw", "swift-pw", "s3-secret", "s3-access", Support.base64(Support.privateKeyPEM),
            Support.privateKeyPEM, "proxy!pw", "proxy%21pw", "rpw",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgQ2hhcm1Db25maWdU",
        ] {
            #expect(secrets.contains(secret), "\(secret)")
        }
        #expect(!secrets.contains("u"))
    }

    @Test func problemsNeverQuoteSecrets() {
        let config = Support.config([
            "auth-basic-password": .string(String(repeating: "s", count: 80)), "auth-basic-user": "",
            "cache-remoteurl": "https://user:hunter2@-bad-host",
        ])
        #expect(!config.problems.isEmpty)
        for problem in config.problems {
            #expect(!problem.message.contains("hunter2") && !problem.message.contains("ssss"))
        }
    }

    @Test func blockedMessageKeepsTheOriginalPrefix() {
        let one = Support.config(["storage-cache": "bogus"]).problems
        #expect(one.blockedMessage == "Invalid charm config: storage-cache — must be one of inmemory, disabled")
        let two = Support.config(["storage-cache": "bogus", "log-level": "loud"]).problems
        #expect(
            two.blockedMessage
                == "Invalid charm config: log-level, storage-cache — log-level: must be one of error, warn, info, "
                + "debug; storage-cache: must be one of inmemory, disabled"
        )
        #expect([ConfigProblem]().blockedMessage == "Invalid charm config: ")
    }

    @Test func invalidValuesFallBackToDefaults() {
        let config = Support.config(["registry-port": 0, "registry-name": "x", "log-level": "loud"])
        #expect(config.registryPort == 5000)
        #expect(config.registryName == "registry")
        #expect(config.logLevel == .info)
        #expect(config.problems.map(\.option) == ["log-level", "registry-name", "registry-port"])
    }
}
