import Foundation
public import JujuKit
public import RegistryCharm

/// A named configuration whose rendered `config.yml` is kept as `Tests/RegistryCharmTests/Fixtures/<name>.yml`.
///
/// Shared by the golden tests (RegistryCharmTests) and the real-registry test (IntegrationTests).
public struct RenderScenario: Sendable {
    /// The fixture's base name.
    public let name: String
    /// The charm options.
    public let options: [String: JSONValue]
    /// What the charm knows besides config.
    public let inputs: RenderInputs

    /// The typed configuration.
    public var config: CharmConfig { CharmConfig(options: options) }
    /// The registry configuration the charm renders.
    public var registryConfig: RegistryConfig { RegistryConfig(config: config, inputs: inputs) }
    /// The rendered `config.yml`.
    public var rendered: String { registryConfig.rendered() }
}

/// The golden configurations.
public enum RenderScenarios {
    /// A syntactically complete PEM certificate (not a real one: validation only checks the PEM structure).
    public static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBbDCCARKgAwIBAgIUQ2hhcm1Db25maWdUZXN0Q2VydGlmaWNhdGUwCgYIKoZI
        -----END CERTIFICATE-----

        """

    /// The http secret every scenario renders.
    public static let httpSecret = "dGVzdC1odHRwLXNlY3JldC1mb3ItZ29sZGVuLWZpbGVzIQ=="
    /// The inputs without auth, TLS or token files.
    public static let base = RenderInputs(applicationName: "docker-registry", httpSecret: httpSecret)

    /// A password full of YAML (and JSON) metacharacters, line breaks YAML 1.1 knows, and non-ASCII text.
    public static let nastyPassword =
        "p@ss: #word\n- [x] {y} 'q' \"z\" \\ / % & * ! | > ? ` ~ null true 0x1F é 漢 \u{85}\u{2028}\u{7F}\t--- ..."

    /// Every S3 option set (the `s3-full` scenarios, for v2 and v3).
    static let s3FullOptions: [String: JSONValue] = [
        "storage-s3-region": "us-east-1", "storage-s3-bucket": "registry-images",
        "storage-s3-accesskey": "AKIAEXAMPLE", "storage-s3-secretkey": "s3-secret/key+example",
        "storage-s3-regionendpoint": "https://minio.example.com:9000", "storage-s3-forcepathstyle": true,
        "storage-s3-encrypt": true, "storage-s3-keyid": "kms-key-1", "storage-s3-secure": true,
        "storage-s3-skip-verify": true, "storage-s3-skip-v4-auth": true, "storage-s3-chunksize": 20_971_520,
        "storage-s3-multipartcopychunksize": 67_108_864, "storage-s3-multipartcopymaxconcurrency": 50,
        "storage-s3-multipartcopythresholdsize": 67_108_864, "storage-s3-rootdirectory": "/registry",
        "storage-s3-storageclass": "REDUCED_REDUNDANCY", "storage-s3-useragent": "juju-docker-registry",
        "storage-s3-usedualstack": false, "storage-s3-accelerate": false,
        "storage-s3-objectacl": "bucket-owner-full-control", "storage-s3-loglevel": "debug",
    ]

    /// Every scenario.
    public static let all: [RenderScenario] = [
        RenderScenario(name: "default", options: [:], inputs: base),
        RenderScenario(
            name: "basic-auth",
            options: ["auth-basic-user": "admin", "auth-basic-password": "s3cret-pass"],
            inputs: with(base) { $0.htpasswdPath = "/etc/docker/registry/htpasswd" }
        ),
        RenderScenario(
            name: "token-auth",
            options: [
                "auth-token-issuer": "auth.example.com", "auth-token-realm": "https://auth.example.com/token",
                "auth-token-service": "registry.example.com",
                "auth-token-root-certs": .string(Data(certificatePEM.utf8).base64EncodedString()),
            ],
            inputs: with(base) { $0.tokenRootCertBundlePath = "/etc/docker/registry/auth_token.pem" }
        ),
        RenderScenario(
            name: "tls-client-ca",
            options: ["http-host": "https://registry.example.com:5000/"],
            inputs: with(base) {
                $0.tls = TLSPaths(
                    certificate: "/etc/docker/registry/registry.crt",
                    key: "/etc/docker/registry/registry.key",
                    clientCA: "/etc/docker/registry/ca.crt"
                )
            }
        ),
        RenderScenario(
            name: "prometheus",
            options: ["prometheus-metrics": true, "log-level": "debug", "registry-port": 5050, "debug-port": 5051],
            inputs: base
        ),
        RenderScenario(
            name: "pull-through-cache",
            options: [
                "cache-remoteurl": "https://registry-1.docker.io", "cache-username": "mirror-bot",
                "cache-password": "mirror-pass",
            ],
            inputs: base
        ),
        RenderScenario(
            name: "swift",
            options: [
                "storage-swift-authurl": "https://keystone.example.com:5000/v3", "storage-swift-username": "registry",
                "storage-swift-password": "swift-pass", "storage-swift-container": "images",
                "storage-swift-region": "RegionOne", "storage-swift-tenant": "services",
                "storage-swift-domain": "Default",
            ],
            inputs: base
        ),
        RenderScenario(
            name: "s3-full",
            options: s3FullOptions,
            inputs: base
        ),
        RenderScenario(
            name: "s3-minimal",
            options: ["storage-s3-region": "eu-west-1", "storage-s3-bucket": "registry-images"],
            inputs: base
        ),
        RenderScenario(
            name: "readonly-delete-nocache",
            options: [
                "storage-read-only": true, "storage-delete": true, "storage-cache": "disabled",
                "storage-redirect-disable": false,
            ],
            inputs: base
        ),
        // registry:3 (distribution v3): the s3 parameters only v3 reads, and path style kept on with an endpoint.
        RenderScenario(
            name: "v3-s3-full",
            options: s3FullOptions,
            inputs: with(base) { $0.registryMajor = 3 }
        ),
        RenderScenario(
            name: "v3-s3-endpoint",
            options: [
                "storage-s3-region": "us-east-1", "storage-s3-bucket": "registry",
                "storage-s3-regionendpoint": "http://127.0.0.1:7480", "storage-s3-secure": false,
            ],
            inputs: with(base) { $0.registryMajor = 3 }
        ),
        RenderScenario(
            name: "v3-tls-basic-auth",
            options: ["auth-basic-user": "admin", "auth-basic-password": "s3cret-pass"],
            inputs: with(base) {
                $0.registryMajor = 3
                $0.htpasswdPath = "/etc/docker/registry/htpasswd"
                $0.tls = TLSPaths(
                    certificate: "/etc/docker/registry/registry.crt",
                    key: "/etc/docker/registry/registry.key"
                )
            }
        ),
        RenderScenario(
            name: "yaml-metacharacters",
            options: [
                "cache-remoteurl": "https://mirror.example.com", "cache-username": "user: #name",
                "cache-password": .string(nastyPassword),
            ],
            inputs: base
        ),
    ]

    /// Every scenario's name (test arguments that print well).
    public static var names: [String] { all.map(\.name) }

    /// The scenario called `name`.
    public static func named(_ name: String) -> RenderScenario? { all.first { $0.name == name } }

    private static func with(_ inputs: RenderInputs, _ change: (inout RenderInputs) -> Void) -> RenderInputs {
        var copy = inputs
        change(&copy)
        return copy
    }
}
