import JujuKit
import RegistryCharm
import RegistryKit
import Testing

/// One test per validation rule: a good value passes, a bad one names the option and says what to do.
@Suite("Config validation")
struct ConfigValidationTests {
    typealias Support = ConfigTestSupport

    @Test func defaultsAreValid() {
        Support.expectValid([:])
    }

    @Test func portsMustBeInRange() {
        Support.expectValid(["registry-port": 8080, "debug-port": 8081])
        Support.expectValid(["registry-port": 65535, "debug-port": 1])
        Support.expectProblem(
            ["registry-port": 0],
            option: "registry-port",
            message: "must be a port number from 1 to 65535"
        )
        Support.expectProblem(
            ["debug-port": 70000],
            option: "debug-port",
            message: "must be a port number from 1 to 65535"
        )
    }

    @Test func portsMustDiffer() {
        Support.expectProblem(
            ["registry-port": 5001],
            option: "debug-port",
            message: "must differ from registry-port (both are 5001): choose another port"
        )
    }

    @Test func integersMayArriveAsJSONNumbers() {
        let config = Support.config(["registry-port": .double(6000), "debug-port": .double(6001)])
        #expect(config.problems.isEmpty)
        #expect(config.registryPort == 6000)
        Support.expectProblem(
            ["registry-port": .double(5000.5)],
            option: "registry-port",
            message: "must be a whole number, not a fractional number: set an integer"
        )
    }

    @Test func wrongJSONTypesAreReportedNotCrashed() {
        Support.expectProblem(
            ["registry-port": "5000"],
            option: "registry-port",
            message: "must be a whole number, not a string: set an integer"
        )
        Support.expectProblem(
            ["prometheus-metrics": "true"],
            option: "prometheus-metrics",
            message: "must be true or false, not a string: set a boolean"
        )
        Support.expectProblem(
            ["registry-image": 2],
            option: "registry-image",
            message: "must be a string, not a number: set a text value"
        )
        Support.expectProblem(
            ["storage-delete": .array([])],
            option: "storage-delete",
            message: "must be true or false, not a list: set a boolean"
        )
    }

    @Test func logLevelIsOneRegistryAccepts() {
        #expect(Support.config(["log-level": "debug"]).logLevel == .debug)
        #expect(Support.config(["log-level": "WARN"]).logLevel == .warn)
        Support.expectProblem(
            ["log-level": "warning"],
            option: "log-level",
            message: "must be one of error, warn, info, debug"
        )
    }

    @Test func storageCacheIsInmemoryOrDisabled() {
        #expect(Support.config(["storage-cache": "disabled"]).storageCache == .disabled)
        Support.expectProblem(
            ["storage-cache": "redis"],
            option: "storage-cache",
            message: "must be one of inmemory, disabled"
        )
    }

    @Test func dockerRuntimeIsKnown() {
        #expect(Support.config(["docker_runtime": "upstream"]).dockerRuntime == .upstream)
        Support.expectProblem(
            ["docker_runtime": "podman"],
            option: "docker_runtime",
            message: "must be one of auto, apt, upstream, nvidia, custom"
        )
    }

    @Test func customDockerRuntimeNeedsRepoKeyAndPackage() {
        Support.expectValid([
            "docker_runtime": "custom",
            "docker_runtime_repo": "deb [arch={ARCH}] https://download.docker.com/linux/ubuntu {CODE} stable",
            "docker_runtime_key_url": "https://download.docker.com/linux/ubuntu/gpg",
            "docker_runtime_package": "docker-ce",
        ])
        let message = "is required when docker_runtime is custom: set it or choose another docker_runtime"
        #expect(
            Support.config(["docker_runtime": "custom"]).problems == [
                ConfigProblem(option: "docker_runtime_key_url", message: message),
                ConfigProblem(option: "docker_runtime_package", message: message),
                ConfigProblem(option: "docker_runtime_repo", message: message),
            ]
        )
    }

    @Test func dockerRuntimeRepoIsAnAptLine() {
        Support.expectProblem(
            ["docker_runtime_repo": "https://download.docker.com/linux/ubuntu"],
            option: "docker_runtime_repo",
            message:
                "must be an apt source line such as "
                + "deb [arch={ARCH}] https://download.docker.com/linux/ubuntu {CODE} stable"
        )
    }

    @Test func dockerRuntimeKeyURLIsAURL() {
        Support.expectProblem(
            ["docker_runtime_key_url": "download.docker.com/gpg"],
            option: "docker_runtime_key_url",
            message:
                "is not a valid url: the url has no scheme (such as https://); "
                + "set a url such as https://host.example.com:5000"
        )
    }

    @Test func dockerRuntimePackageIsAPackageName() {
        Support.expectValid(["docker_runtime_package": "docker-ce=5:27.1.1-1~ubuntu.24.04~noble"])
        Support.expectProblem(
            ["docker_runtime_package": "Docker CE"],
            option: "docker_runtime_package",
            message: "is not a valid debian package name, e.g. docker-ce"
        )
    }

    @Test func packageStatusIsInstallOrHold() {
        #expect(Support.config(["package_status": "hold"]).packageStatus == .hold)
        Support.expectProblem(
            ["package_status": "purge"],
            option: "package_status",
            message: "must be one of install, hold"
        )
    }

    @Test func tlsBlobsAreBase64PEM() {
        let certificate = Support.base64(Support.certificatePEM)
        let key = Support.base64(Support.privateKeyPEM)
        let config = Support.config(["tls-cert-blob": .string(certificate), "tls-key-blob": .string(key)])
        #expect(config.problems.isEmpty)
        #expect(config.tls.certificatePEM == Array(Support.certificatePEM.utf8))
        #expect(config.tls.keyPEM == Array(Support.privateKeyPEM.utf8))
        let hint = "; set the output of `base64 -w0 <file>`"
        Support.expectProblem(
            ["tls-ca-blob": "not base64!"],
            option: "tls-ca-blob",
            message: "must be base64 of a PEM certificate: it is not valid base64" + hint
        )
        Support.expectProblem(
            ["tls-ca-blob": .string(Support.base64("hello"))],
            option: "tls-ca-blob",
            message: "must be base64 of a PEM certificate: the decoded text is not PEM certificates "
                + "(-----BEGIN CERTIFICATE-----)" + hint
        )
    }

    @Test func tlsBlobsToleratWrappedBase64() {
        let wrapped = Support.base64(Support.certificatePEM).enumerated().map { index, character in
            index > 0 && index % 76 == 0 ? "\n\(character)" : "\(character)"
        }.joined()
        #expect(Support.config(["tls-ca-blob": .string(wrapped)]).problems.isEmpty)
    }

    @Test func tlsKeyBlobIsAPrivateKey() {
        Support.expectProblem(
            [
                "tls-cert-blob": .string(Support.base64(Support.certificatePEM)),
                "tls-key-blob": .string(Support.base64(Support.certificatePEM)),
            ],
            option: "tls-key-blob",
            message: "must be base64 of a PEM private key: the decoded text is not one PEM private key "
                + "(-----BEGIN … PRIVATE KEY-----); set the output of `base64 -w0 <file>`"
        )
    }

    @Test func tlsCertificateAndKeyBlobsComeTogether() {
        Support.expectProblem(
            ["tls-cert-blob": .string(Support.base64(Support.certificatePEM))],
            option: "tls-key-blob",
            message: "is required when tls-cert-blob is set: set both or neither"
        )
        Support.expectProblem(
            ["tls-key-blob": .string(Support.base64(Support.privateKeyPEM))],
            option: "tls-cert-blob",
            message: "is required when tls-key-blob is set: set both or neither"
        )
    }

    @Test func tlsPathsAreAbsolute() {
        Support.expectValid(["tls-cert-path": "/srv/tls/registry.pem"])
        Support.expectProblem(
            ["tls-key-path": "registry.key"],
            option: "tls-key-path",
            message: "must be an absolute, normalised path without ':' or ',' such as /etc/docker/registry/registry.crt"
        )
        Support.expectProblem(
            ["tls-ca-path": "/etc/../root/ca.crt"],
            option: "tls-ca-path",
            message: "must be an absolute, normalised path without ':' or ',' such as /etc/docker/registry/registry.crt"
        )
    }

    @Test func tokenRootCertsAreBase64PEM() {
        Support.expectProblem(
            tokenOptions(rootCerts: Support.base64(Support.privateKeyPEM)),
            option: "auth-token-root-certs",
            message: "must be base64 of a PEM certificate: the decoded text is not PEM certificates "
                + "(-----BEGIN CERTIFICATE-----); set the output of `base64 -w0 <file>`"
        )
    }

    @Test func tokenOptionsComeAllOrNothing() {
        Support.expectValid(tokenOptions())
        var options = tokenOptions()
        options["auth-token-service"] = ""
        options["auth-token-issuer"] = nil
        let message = "is required when another auth-token-* option is set: set all four auth-token-* or none"
        #expect(
            Support.config(options).problems == [
                ConfigProblem(option: "auth-token-issuer", message: message),
                ConfigProblem(option: "auth-token-service", message: message),
            ]
        )
    }

    @Test func tokenRealmIsAURL() {
        var options = tokenOptions()
        options["auth-token-realm"] = "auth.example.com"
        Support.expectProblem(
            options,
            option: "auth-token-realm",
            message: "must be the token service's http(s) url, e.g. https://auth.example.com/token"
        )
    }

    @Test func basicAndTokenAuthAreExclusive() {
        var options = tokenOptions()
        options["auth-basic-password"] = "secret"
        Support.expectProblem(
            options,
            option: "auth-basic-password",
            message: "basic and token auth cannot both be on: clear auth-basic-password or the auth-token-* options"
        )
    }

    @Test func basicAuthNeedsAUsableUser() {
        Support.expectValid(["auth-basic-user": "", "auth-basic-password": ""])
        Support.expectProblem(
            ["auth-basic-user": "", "auth-basic-password": "secret"],
            option: "auth-basic-user",
            message: "is required when auth-basic-password is set: set a user name"
        )
        Support.expectProblem(
            ["auth-basic-user": "ad:min", "auth-basic-password": "secret"],
            option: "auth-basic-user",
            message: "must not contain ':' or white space: choose another user name"
        )
    }

    @Test func basicAuthPasswordFitsBcrypt() {
        Support.expectValid(["auth-basic-password": .string(String(repeating: "x", count: 72))])
        Support.expectProblem(
            ["auth-basic-password": .string(String(repeating: "x", count: 73))],
            option: "auth-basic-password",
            message: "is longer than 72 bytes, which bcrypt ignores: set a shorter password"
        )
    }

    @Test func swiftGroupIsCompleteWhenAuthURLIsSet() {
        Support.expectValid([
            "storage-swift-authurl": "https://keystone.example.com:5000/v3", "storage-swift-username": "u",
            "storage-swift-password": "p",
        ])
        let message = "is required when storage-swift-authurl is set: set it or clear storage-swift-authurl"
        #expect(
            Support.config(["storage-swift-authurl": "https://keystone.example.com/v3", "storage-swift-container": ""])
                .problems == [
                    ConfigProblem(option: "storage-swift-container", message: message),
                    ConfigProblem(option: "storage-swift-password", message: message),
                    ConfigProblem(option: "storage-swift-username", message: message),
                ]
        )
    }

    @Test func swiftAuthURLIsAURL() {
        Support.expectProblem(
            ["storage-swift-authurl": "keystone:5000", "storage-swift-username": "u", "storage-swift-password": "p"],
            option: "storage-swift-authurl",
            message:
                "is not a valid url: the url has no scheme (such as https://); "
                + "set a url such as https://host.example.com:5000"
        )
    }

    @Test func s3RegionAndBucketComeTogether() {
        Support.expectValid(["storage-s3-region": "us-east-1", "storage-s3-bucket": "images"])
        Support.expectProblem(
            ["storage-s3-region": "us-east-1"],
            option: "storage-s3-bucket",
            message: "is required when storage-s3-region is set: set both or neither"
        )
        Support.expectProblem(
            ["storage-s3-bucket": "images"],
            option: "storage-s3-region",
            message: "is required when storage-s3-bucket is set: set both or neither"
        )
    }

    @Test func s3SizesAreWithinTheDriversLimits() {
        Support.expectValid(["storage-s3-chunksize": 5_242_880, "storage-s3-multipartcopythresholdsize": 0])
        Support.expectProblem(
            ["storage-s3-chunksize": 1024],
            option: "storage-s3-chunksize",
            message: "must be at least 5242880 and at most 5368709120"
        )
        Support.expectProblem(
            ["storage-s3-multipartcopychunksize": 6_000_000_000],
            option: "storage-s3-multipartcopychunksize",
            message: "must be at least 5242880 and at most 5368709120"
        )
        Support.expectProblem(
            ["storage-s3-multipartcopymaxconcurrency": 0],
            option: "storage-s3-multipartcopymaxconcurrency",
            message: "must be at least 1"
        )
        Support.expectProblem(
            ["storage-s3-multipartcopythresholdsize": -1],
            option: "storage-s3-multipartcopythresholdsize",
            message: "must be at least 0 and at most 5368709120"
        )
    }

    @Test func s3EnumerationsAreOnesTheDriverAccepts() {
        Support.expectValid([
            "storage-s3-storageclass": "reduced_redundancy", "storage-s3-objectacl": "bucket-owner-full-control",
            "storage-s3-loglevel": "Debug",
        ])
        Support.expectProblem(
            ["storage-s3-storageclass": "GLACIER"],
            option: "storage-s3-storageclass",
            message: "must be one of STANDARD, REDUCED_REDUNDANCY, NONE"
        )
        Support.expectProblem(
            ["storage-s3-objectacl": "Private"],
            option: "storage-s3-objectacl",
            message: "must be one of private, public-read, public-read-write, authenticated-read, aws-exec-read, "
                + "bucket-owner-read, bucket-owner-full-control"
        )
        Support.expectProblem(
            ["storage-s3-loglevel": "verbose"],
            option: "storage-s3-loglevel",
            message: "must be one of off, debug, debugwithsigning, debugwithhttpbody, debugwithrequestretries, "
                + "debugwithrequesterrors, debugwitheventstreambody"
        )
    }

    @Test func s3RegionEndpointIsAURL() {
        // An endpoint alone is half an S3 setup (ObjectStorageTests): these come with a region and bucket.
        let group: [String: JSONValue] = ["storage-s3-region": "us-east-1", "storage-s3-bucket": "images"]
        Support.expectValid(group.merging(["storage-s3-regionendpoint": "http://minio.internal:9000"]) { $1 })
        Support.expectProblem(
            group.merging(["storage-s3-regionendpoint": "ftp://minio.internal"]) { $1 },
            option: "storage-s3-regionendpoint",
            message: "must start with http:// or https:// (got ftp://)"
        )
    }

    @Test func httpHostIsAnHTTPURL() {
        Support.expectValid(["http-host": "https://registry.example.com"])
        Support.expectValid(["http-host": "http://10.0.0.5:5000/docker-registry/"])
        Support.expectValid(["http-host": "https://[2001:db8::1]:5000"])
        Support.expectProblem(
            ["http-host": "registry.example.com:5000"],
            option: "http-host",
            message:
                "is not a valid url: the url has no scheme (such as https://); "
                + "set a url such as https://host.example.com:5000"
        )
        Support.expectProblem(
            ["http-host": "ftp://registry.example.com"],
            option: "http-host",
            message: "must start with http:// or https:// (got ftp://)"
        )
        Support.expectProblem(
            ["http-host": "https://user:pw@registry.example.com"],
            option: "http-host",
            message: "must not contain credentials (user@): remove them"
        )
        Support.expectProblem(
            ["http-host": "https://example.com/docker-registry"],
            option: "http-host",
            message: "must end its path with '/', e.g. https://example.com/docker-registry/"
        )
        Support.expectProblem(
            ["http-host": "https://exa mple.com"],
            option: "http-host",
            message:
                "is not a valid url: the url contains white space; set a url such as https://host.example.com:5000"
        )
        Support.expectProblem(
            ["http-host": "https://registry.example.com:99999"],
            option: "http-host",
            message: "is not a valid url: the url's port is not a number from 1 to 65535; "
                + "set a url such as https://host.example.com:5000"
        )
    }

    @Test func cacheRemoteURLIsAnHTTPURL() {
        Support.expectValid(["cache-remoteurl": "https://registry-1.docker.io"])
        Support.expectProblem(
            ["cache-remoteurl": "https://-bad-.example.com"],
            option: "cache-remoteurl",
            message:
                "is not a valid url: the url's host is not a valid name or address; "
                + "set a url such as https://host.example.com:5000"
        )
    }

    @Test(arguments: ["registry-http-proxy", "registry-https-proxy", "http_proxy", "https_proxy"])
    func proxiesAreURLs(option: String) {
        Support.expectValid([option: "http://squid.internal:3128"])
        Support.expectValid([option: "squid.internal:3128"])
        Support.expectValid([option: "socks5://user:p%40ss@proxy.internal:1080"])
        Support.expectProblem(
            [option: "ftp://squid.internal:3128"],
            option: option,
            message: "must start with http:// or https:// or socks5:// or socks5h:// (got ftp://)"
        )
        Support.expectProblem(
            [option: "http://squid.internal:3128/path"],
            option: option,
            message: "must not have a path: set only the scheme, host and port such as https://host.example.com:5000"
        )
    }

    @Test func registryImageIsAnImageReference() {
        for good in [
            "registry:2", "registry", "library/registry:2.8.3", "localhost:5000/my/registry:v2",
            "ghcr.io/distribution/distribution:3.0.0", "[::1]:5000/registry",
            "registry@sha256:" + String(repeating: "a", count: 64),
            "host.example.com/a__b/c-d/e.f:latest@sha256:" + String(repeating: "0", count: 64),
        ] {
            #expect(Support.config(["registry-image": .string(good)]).problems.isEmpty, "\(good)")
        }
        let hint = ": set e.g. registry:2 or host:5000/registry:2"
        Support.expectProblem(
            ["registry-image": "Registry:2"],
            option: "registry-image",
            message: "is not a valid image reference (the repository path must be lower-case letters and digits, "
                + "separated by '/', '.', '_' or '-')" + hint
        )
        Support.expectProblem(
            ["registry-image": "registry:"],
            option: "registry-image",
            message: "is not a valid image reference (the tag must be 1-128 letters, digits, '_', '.' or '-', "
                + "not starting with '.' or '-')" + hint
        )
        Support.expectProblem(
            ["registry-image": "registry@sha256:abc"],
            option: "registry-image",
            message: "is not a valid image reference (the digest must be sha256: followed by 64 lower-case hex "
                + "digits)" + hint
        )
        Support.expectProblem(
            ["registry-image": "bad_host.example.com:5000/registry"],
            option: "registry-image",
            message: "is not a valid image reference (the registry host or port is malformed)" + hint
        )
        Support.expectProblem(
            ["registry-image": ""],
            option: "registry-image",
            message: "is not a valid image reference (the image reference is empty)" + hint
        )
    }

    @Test func registryNameIsAContainerName() {
        Support.expectValid(["registry-name": "registry_1.prod-a"])
        for bad in ["-registry", "r", "my registry", "/registry", "régistry"] {
            Support.expectProblem(
                ["registry-name": .string(bad)],
                option: "registry-name",
                message: "must be a docker container name: at least 2 of letters, digits, '_', '.' and '-', "
                    + "starting with a letter or digit"
            )
        }
    }

    @Test func daemonOptsIsAJSONObject() {
        let config = Support.config(["daemon-opts": #"{"debug": true, "max-concurrent-downloads": 3}"#])
        #expect(config.problems.isEmpty)
        #expect(config.daemonOpts == ["debug": true, "max-concurrent-downloads": 3])
        Support.expectProblem(
            ["daemon-opts": "{debug: true}"],
            option: "daemon-opts",
            message: #"is not valid JSON: set a JSON object such as {"log-driver": "json-file"}"#
        )
        Support.expectProblem(
            ["daemon-opts": #"["debug"]"#],
            option: "daemon-opts",
            message: #"must be a JSON object such as {"log-driver": "json-file"}"#
        )
    }

    @Test func dockerOptsAreParsable() {
        let config = Support.config(["docker-opts": #"--debug --label 'a b' --dns="10.0.0.1""#])
        #expect(config.problems.isEmpty)
        #expect(config.dockerOpts == ["--debug", "--label", "a b", "--dns=10.0.0.1"])
        Support.expectProblem(
            ["docker-opts": "--label 'a b"],
            option: "docker-opts",
            message: "cannot be split into arguments (a quote is never closed): fix the quoting"
        )
        Support.expectProblem(
            ["docker-opts": "debug"],
            option: "docker-opts",
            message: "must be dockerd options starting with '-', e.g. --debug"
        )
    }

    @Test func extraPackagesAreDebianNames() {
        let config = Support.config(["extra_packages": "jq  htop\ncurl=7.88.1-10 libfoo:amd64"])
        #expect(config.problems.isEmpty)
        #expect(config.extraPackages == ["jq", "htop", "curl=7.88.1-10", "libfoo:amd64"])
        Support.expectProblem(
            ["extra_packages": "jq Foo;rm"],
            option: "extra_packages",
            message: "'Foo;rm' is not a debian package name: list names separated by spaces"
        )
    }

    @Test func installSourcesAreAYAMLList() {
        let config = Support.config([
            "install_sources": "[ppa:user/tools, 'deb http://example.com/ubuntu jammy main']",
            "install_keys": "[null, ABCDEF01]",
        ])
        #expect(config.problems.isEmpty)
        #expect(config.installSources == ["ppa:user/tools", "deb http://example.com/ubuntu jammy main"])
        #expect(config.installKeys == ["", "ABCDEF01"])
        Support.expectProblem(
            ["install_sources": "['ppa:user/tools"],
            option: "install_sources",
            // libyaml finds the quote unclosed before the list.
            message: #"is not a yaml list of strings (a quoted item has no closing quote): e.g. ["ppa:user/name"]"#
        )
    }

    @Test func installKeysMatchInstallSources() {
        Support.expectProblem(
            ["install_sources": "- ppa:user/tools", "install_keys": "[A, B]"],
            option: "install_keys",
            message: "lists 2 keys for 1 install_sources: give one key (or null) per source"
        )
    }

    private func tokenOptions(rootCerts: String? = nil) -> [String: JSONValue] {
        [
            "auth-token-issuer": "auth.example.com",
            "auth-token-realm": "https://auth.example.com/token",
            "auth-token-service": "registry.example.com",
            "auth-token-root-certs": .string(rootCerts ?? Support.base64(Support.certificatePEM)),
        ]
    }
}
