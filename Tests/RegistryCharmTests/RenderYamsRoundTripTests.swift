import Foundation
import JujuKit
import RegistryCharm
import RegistryCharmTesting
import Testing
import Yams

/// Every rendered file, read back by a YAML parser, is exactly the intended structure.
@Suite("Render YAML round trip")
struct RenderYamsRoundTripTests {
    /// A YAML document as a `JSONValue`.
    static func load(_ yaml: String) throws -> JSONValue {
        try convert(Yams.load(yaml: yaml) as Any)
    }

    static func convert(_ value: Any) throws -> JSONValue {
        switch value {
        case let bool as Bool: return .bool(bool)
        case let int as Int: return .int(int)
        case let string as String: return .string(string)
        case let array as [Any]: return .array(try array.map(convert))
        case let object as [String: Any]: return .object(try object.mapValues(convert))
        default: throw RoundTripError.unexpected(String(describing: type(of: value)))
        }
    }

    enum RoundTripError: Error {
        case unexpected(String)
    }

    /// What the model says the file holds, via Foundation's JSON parser (independent of the YAML path).
    static func intended(_ config: RegistryConfig) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(config))
    }

    @Test(arguments: RenderScenarios.all)
    func yamsReadsTheIntendedStructure(scenario: RenderScenario) throws {
        let parsed = try Self.load(scenario.rendered)
        #expect(parsed == (try Self.intended(scenario.registryConfig)))
    }

    @Test func defaultFileHasTheOriginalStructure() throws {
        let parsed = try Self.load(try #require(RenderScenarios.all.first).rendered)
        let expected: JSONValue = .object([
            "version": "0.1",
            "log": .object(["level": "info", "formatter": "json", "fields": .object(["service": "registry"])]),
            "http": .object([
                "addr": ":5000", "relativeurls": true, "secret": .string(RenderScenarios.httpSecret),
                "headers": .object(["X-Content-Type-Options": .array(["nosniff"])]), "draintimeout": "10s",
            ]),
            "health": .object(["storagedriver": .object(["enabled": true, "interval": "10s", "threshold": 3])]),
            "storage": .object([
                "filesystem": .object(["rootdirectory": "/var/lib/registry"]),
                "cache": .object(["blobdescriptor": "inmemory"]),
                "redirect": .object(["disable": true]),
            ]),
        ])
        #expect(parsed == expected)
    }

    @Test func metacharacterValuesComeBackUnchanged() throws {
        let scenario = try #require(RenderScenarios.all.first { $0.name == "yaml-metacharacters" })
        let parsed = try Self.load(scenario.rendered)
        let proxy = parsed.objectValue?["proxy"]?.objectValue
        #expect(proxy?["password"] == .string(RenderScenarios.nastyPassword))
        #expect(proxy?["username"] == "user: #name")
        #expect(proxy?["remoteurl"] == "https://mirror.example.com")
        #expect(parsed.objectValue?.keys.sorted() == ["health", "http", "log", "proxy", "storage", "version"])
    }

    @Test func s3ParametersHaveTheDriversTypes() throws {
        let scenario = try #require(RenderScenarios.all.first { $0.name == "s3-full" })
        let s3 = try Self.load(scenario.rendered).objectValue?["storage"]?.objectValue?["s3"]?.objectValue
        let expected: [String: JSONValue] = [
            "region": "us-east-1", "bucket": "registry-images", "accesskey": "AKIAEXAMPLE",
            "secretkey": "s3-secret/key+example", "regionendpoint": "https://minio.example.com:9000",
            "encrypt": true, "keyid": "kms-key-1", "secure": true, "skipverify": true,
            "v4auth": true, "chunksize": 20_971_520, "multipartcopychunksize": 67_108_864,
            "multipartcopymaxconcurrency": 50, "multipartcopythresholdsize": 67_108_864, "rootdirectory": "/registry",
            "storageclass": "REDUCED_REDUNDANCY", "useragent": "juju-docker-registry",
            "objectacl": "bucket-owner-full-control",
        ]
        // v2.8's driver reads no forcepathstyle, usedualstack, accelerate or loglevel: they are left out.
        #expect(s3 == expected)
        let v3 = try #require(RenderScenarios.all.first { $0.name == "v3-s3-full" })
        let s3v3 = try Self.load(v3.rendered).objectValue?["storage"]?.objectValue?["s3"]?.objectValue
        let v3Only: [String: JSONValue] = [
            "forcepathstyle": true, "usedualstack": false, "accelerate": false, "loglevel": "debug",
        ]
        #expect(s3v3 == expected.merging(v3Only) { $1 })
        // v3 defaults forcepathstyle to false, which breaks Ceph RGW and MinIO: an endpoint keeps path style on.
        let endpoint = try #require(RenderScenarios.all.first { $0.name == "v3-s3-endpoint" })
        #expect(endpoint.config.problems.isEmpty)
        let s3Endpoint = try Self.load(endpoint.rendered).objectValue?["storage"]?.objectValue?["s3"]?.objectValue
        #expect(s3Endpoint?["forcepathstyle"] == true)
        let minimal = try #require(RenderScenarios.all.first { $0.name == "s3-minimal" })
        let small = try Self.load(minimal.rendered).objectValue?["storage"]?.objectValue?["s3"]?.objectValue
        #expect(small?["v4auth"] == true)
        #expect(small?["multipartcopychunksize"] == 33_554_432)
        #expect(small?["objectacl"] == "private")
        #expect(small?["accesskey"] == nil && small?["regionendpoint"] == nil && small?["rootdirectory"] == nil)
    }

    @Test func authIsNeverBothKinds() throws {
        for scenario in RenderScenarios.all {
            let auth = try Self.load(scenario.rendered).objectValue?["auth"]?.objectValue
            #expect((auth?.count ?? 0) <= 1, "\(scenario.name)")
        }
    }
}
