import Foundation
import Testing

/// The Ceph started by `scripts/ceph-backend.sh start`, as `make test` does.
///
/// Its `env` file is read from `CEPH_ENV_FILE`, else `$CEPH_DIR/env` (default `/run/charm-ceph/env`); `current` is
/// `nil` when none is running.
struct CephBackend {
    var values: [String: String]

    static let current: CephBackend? = {
        let environment = ProcessInfo.processInfo.environment
        let path = environment["CEPH_ENV_FILE"] ?? ((environment["CEPH_DIR"] ?? "/run/charm-ceph") + "/env")
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values["CEPH_S3_ENDPOINT"] == nil ? nil : CephBackend(values: values)
    }()

    static let enabled = CharmUnderTest.enabled && current != nil

    subscript(_ key: String) -> String { values[key] ?? "" }

    /// The charm options for S3 storage in `bucket` on this Ceph.
    func s3Options(bucket: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "storage-s3-region": self["CEPH_S3_REGION"], "storage-s3-bucket": bucket,
            "storage-s3-regionendpoint": self["CEPH_S3_ENDPOINT"], "storage-s3-accesskey": self["CEPH_S3_ACCESS_KEY"],
            "storage-s3-secretkey": self["CEPH_S3_SECRET_KEY"], "storage-s3-forcepathstyle": "true",
            "storage-s3-secure": "false",
        ].merging(extra) { $1 }
    }

    /// The charm options for Swift storage (v1 auth) in `container` on this Ceph.
    func swiftOptions(container: String, extra: [String: String] = [:]) -> [String: String] {
        [
            "storage-swift-authurl": self["CEPH_SWIFT_AUTHURL"], "storage-swift-username": self["CEPH_SWIFT_USER"],
            "storage-swift-password": self["CEPH_SWIFT_KEY"], "storage-swift-container": container,
        ].merging(extra) { $1 }
    }

    /// The S3 test client (python3-boto3).
    ///
    /// `create BUCKET`, `list BUCKET [PREFIX]` (keys, one a line), `drop BUCKET` (its objects, then itself).
    /// Credentials go through the environment, never argv.
    func s3(_ arguments: String...) throws -> [String] {
        let script = """
            import os, sys, boto3
            s3 = boto3.client("s3", endpoint_url=os.environ["CEPH_S3_ENDPOINT"],
                aws_access_key_id=os.environ["CEPH_S3_ACCESS_KEY"],
                aws_secret_access_key=os.environ["CEPH_S3_SECRET_KEY"], region_name=os.environ["CEPH_S3_REGION"])
            op, bucket = sys.argv[1], sys.argv[2]
            def keys(prefix=""):
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                    for item in page.get("Contents", []):
                        yield item["Key"]
            if op == "create":
                s3.create_bucket(Bucket=bucket)
            elif op == "list":
                for key in keys(sys.argv[3] if len(sys.argv) > 3 else ""):
                    print(key)
            elif op == "drop":
                for key in list(keys()):
                    s3.delete_object(Bucket=bucket, Key=key)
                s3.delete_bucket(Bucket=bucket)
            """
        let output = try shell("/usr/bin/python3", ["-c", script] + arguments, environment: values)
        guard output.succeeded else { throw TestFailure("boto3 \(arguments): \(output.stderr)") }
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// The object names in Swift `container` under `prefix`, through plain HTTP (v1 auth, then a listing).
    func swiftList(_ container: String, prefix: String) throws -> [String] {
        let auth = try curl(
            self["CEPH_SWIFT_AUTHURL"],
            configLines: [
                "header = \"X-Auth-User: \(self["CEPH_SWIFT_USER"])\"",
                "header = \"X-Auth-Key: \(self["CEPH_SWIFT_KEY"])\"",
            ]
        )
        guard let token = auth?.headers["x-auth-token"], let storage = auth?.headers["x-storage-url"] else {
            throw TestFailure("swift auth failed: \(String(describing: auth))")
        }
        let listing = try curl(
            "\(storage)/\(container)?format=plain&prefix=\(prefix)",
            configLines: ["header = \"X-Auth-Token: \(token)\""]
        )
        guard let listing, listing.status == 200 || listing.status == 204 else {
            throw TestFailure("swift listing of \(container): \(String(describing: listing))")
        }
        return listing.body.split(separator: "\n").map(String.init)
    }
}

/// S3 and Swift storage against a real Ceph RADOS Gateway (`scripts/ceph-backend.sh`): the shipped charm under
/// charm-sim, the real dockerd and registry; the data checked in Ceph with its own APIs.
@Suite("S3 and Swift storage on a real Ceph RADOS Gateway", .serialized, .enabled(if: CephBackend.enabled))
struct ObjectStorageIntegrationTests {
    static let origin = "http://127.0.0.1:5000"
    static let netloc = "127.0.0.1:5000"
    var ceph: CephBackend { CephBackend.current ?? CephBackend(values: [:]) }

    static func unique(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Pushes the busybox test image as `repository:tag` with the push action; returns its digest.
    func push(_ charm: CharmUnderTest, _ repository: String, _ tag: String) throws -> String {
        let run = try charm.action(
            "push",
            ["image": CharmUnderTest.busyboxImage, "pull": "false", "tag": "\(Self.netloc)/\(repository):\(tag)"]
        )
        #expect(run.status == "completed", "\(run.raw)")
        return try #require(run.result("digest"))
    }

    /// Removes the registry container behind the charm's back; the next hook creates it again from its config.
    func recreate(_ charm: CharmUnderTest) throws {
        try shell("docker", ["rm", "-f", "registry"])
        try charm.hook("update-status")
        #expect(try charm.unitStatus().state == "active")
    }

    @Test("S3: push, pull, delete and garbage-collect; objects in the bucket under rootdirectory; re-created serves")
    func s3RoundTrip() throws {
        let bucket = Self.unique("charm-s3")
        _ = try ceph.s3("create", bucket)
        defer { _ = try? ceph.s3("drop", bucket) }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(
            ceph.s3Options(
                bucket: bucket,
                extra: [
                    "storage-s3-rootdirectory": "/reg", "storage-delete": "true", "storage-s3-chunksize": "5242880",
                ]
            )
        )
        let status = try charm.unitStatus()
        #expect(status.state == "active" && status.message.hasPrefix("Ready at "), "\(status)")
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        #expect(config.contains("\"authversion\"") == false && config.contains("\"rootdirectory\" : \"/reg\""))

        let digest = try push(charm, "s3/busybox", "v1")
        let keys = try ceph.s3("list", bucket)
        #expect(!keys.isEmpty && keys.allSatisfy { $0.hasPrefix("reg/docker/registry/v2/") }, "\(keys)")
        #expect(keys.contains("reg/docker/registry/v2/repositories/s3/busybox/_manifests/tags/v1/current/link"))
        let blobs = keys.filter { $0.hasPrefix("reg/docker/registry/v2/blobs/") }
        #expect(blobs.count >= 3, "manifest, config and layer: \(blobs)")
        try shell("docker", ["rmi", "\(Self.netloc)/s3/busybox:v1"])
        #expect(try shell("docker", ["pull", "\(Self.netloc)/s3/busybox:v1"]).succeeded)

        // A registry created afresh from the charm's config serves what is in the bucket.
        try recreate(charm)
        #expect(try registryDigest(Self.origin, "s3/busybox", "v1") == digest)

        let deleted = try charm.action("delete", ["image": "s3/busybox:v1"])
        #expect(deleted.status == "completed", "\(deleted.raw)")
        #expect(try registryDigest(Self.origin, "s3/busybox", "v1") == nil)
        let collected = try charm.action("garbage-collect")
        #expect(collected.status == "completed", "\(collected.raw)")
        let left = try ceph.s3("list", bucket, "reg/docker/registry/v2/blobs/")
        #expect(left.count < blobs.count, "blobs before \(blobs.count), after: \(left)")
        #expect(try curl("\(Self.origin)/v2/")?.status == 200)
    }

    @Test(
        "S3: garbage-collect read-only with pulls going on (0 fail); the bucket shrinks; bytes freed as the registry sizes them"
    )
    func s3CollectionKeepsPulls() throws {
        let bucket = Self.unique("charm-gc")
        _ = try ceph.s3("create", bucket)
        defer { _ = try? ceph.s3("drop", bucket) }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(ceph.s3Options(bucket: bucket, extra: ["storage-delete": "true"]))
        let random = "localhost/random:\(UUID().uuidString.prefix(8).lowercased())"
        try importRandomImage(random, megabytes: 3)
        defer { _ = try? shell("docker", ["rmi", random]) }
        #expect(
            try charm.action("push", ["image": random, "pull": "false", "tag": "\(Self.netloc)/gc/random:1"]).status
                == "completed"
        )
        _ = try push(charm, "gc/kept", "1")
        #expect(try charm.action("delete", ["image": "gc/random:1"]).status == "completed")
        let blobs = try ceph.s3("list", bucket, "docker/registry/v2/blobs/")

        let poller = PullPoller(origin: Self.origin, repository: "gc/kept", tag: "1")
        let (collected, polled) = try poller.around { try charm.action("garbage-collect") }
        #expect(collected.status == "completed", "\(collected.raw)")
        #expect(polled.failed.isEmpty, "\(polled.failed.count) of \(polled.pulls) pulls failed: \(polled.failed)")
        #expect(polled.uploads.contains(405) && polled.uploads.last == 202, "\(polled.uploads)")
        let left = try ceph.s3("list", bucket, "docker/registry/v2/blobs/")
        #expect(left.count < blobs.count, "blobs before \(blobs.count), after \(left.count)")
        // The random layer (3 MiB) and its config, as the registry sized them before they went.
        let freed = Int(collected.result("bytes-freed") ?? "") ?? 0
        #expect(freed > 3_000_000 && freed < 3_300_000, "\(collected.raw)")
        print(
            "S3 collection: \(polled.pulls) pulls, slowest \(poller.slowest) ms, read-only \(collected.result("read-only-seconds") ?? "?") s"
        )
    }

    @Test("Swift v1 auth: push and pull; objects listed in the container over HTTP; re-created serves")
    func swiftRoundTrip() throws {
        let container = Self.unique("charm-swift")
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(ceph.swiftOptions(container: container))
        let status = try charm.unitStatus()
        #expect(status.state == "active" && status.message.hasPrefix("Ready at "), "\(status)")
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        #expect(config.contains("\"authversion\" : 1"), "\(config)")

        let digest = try push(charm, "sw/busybox", "v1")
        let names = try ceph.swiftList(container, prefix: "files/docker/registry/v2/")
        #expect(names.contains("files/docker/registry/v2/repositories/sw/busybox/_manifests/tags/v1/current/link"))
        #expect(names.contains { $0.hasPrefix("files/docker/registry/v2/blobs/") }, "\(names)")
        try recreate(charm)
        #expect(try registryDigest(Self.origin, "sw/busybox", "v1") == digest)
        try shell("docker", ["rmi", "\(Self.netloc)/sw/busybox:v1"])
        #expect(try shell("docker", ["pull", "\(Self.netloc)/sw/busybox:v1"]).succeeded)
        // The same user's S3 view holds the container as a bucket: drop it that way.
        _ = try? ceph.s3("drop", container)
    }

    @Test("filesystem → S3: /srv/registry is kept; the status says the new backend is empty until a push")
    func switchFromFilesystem() throws {
        let bucket = Self.unique("charm-switch")
        _ = try ceph.s3("create", bucket)
        defer { _ = try? ceph.s3("drop", bucket) }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy()
        _ = try push(charm, "fs/busybox", "v1")
        let repositories = "/srv/registry/docker/registry/v2/repositories/fs/busybox"
        #expect(FileManager.default.fileExists(atPath: repositories))

        try charm.configure(ceph.s3Options(bucket: bucket))
        var status = try charm.unitStatus()
        #expect(status.state == "active", "\(status)")
        #expect(status.message.contains("empty on its new s3 storage"), "\(status.message)")
        #expect(status.message.contains("/srv/registry"))
        #expect(FileManager.default.fileExists(atPath: repositories), "/srv/registry must be kept")
        #expect(try registryDigest(Self.origin, "fs/busybox", "v1") == nil)

        _ = try push(charm, "s3/busybox", "v1")
        try charm.hook("config-changed")
        status = try charm.unitStatus()
        #expect(status.state == "active" && !status.message.contains("empty"), "\(status.message)")
        #expect(FileManager.default.fileExists(atPath: repositories))
    }

    @Test("unusable stores and incomplete groups: blocked naming the option; the last good registry keeps serving")
    func blockedWhileTheLastGoodRegistryServes() throws {
        let bucket = Self.unique("charm-bad")
        _ = try ceph.s3("create", bucket)
        defer { _ = try? ceph.s3("drop", bucket) }
        let charm = try CharmUnderTest()
        defer { charm.tearDown() }
        try charm.deploy(ceph.s3Options(bucket: bucket))
        #expect(try charm.unitStatus().state == "active")
        let id = try charm.containerID()
        let config = try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8)
        let swift = ceph.swiftOptions(container: bucket)
        let cases: [(settings: [String: String], options: [String], words: String)] = [
            (["storage-s3-bucket": "no-such-\(bucket)"], ["storage-s3-bucket"], "does not exist"),
            (["storage-s3-secretkey": "wrong-secret"], ["storage-s3-secretkey"], "SignatureDoesNotMatch"),
            (["storage-s3-accesskey": "NOSUCHKEY0000000"], ["storage-s3-accesskey"], "InvalidAccessKeyId"),
            (["storage-s3-regionendpoint": "http://127.0.0.1:9"], ["storage-s3-regionendpoint"], "no answer"),
            (["storage-s3-secretkey": ""], ["storage-s3-secretkey"], "set both or neither"),
            (
                ["storage-s3-region": "", "storage-s3-bucket": ""], ["storage-s3-region", "storage-s3-bucket"],
                "required"
            ),
            (swift.merging(["storage-swift-password": "wrong"]) { $1 }, ["storage-swift-password"], "refused"),
            (
                swift.merging(["storage-swift-authurl": "http://127.0.0.1:9/auth/1.0"]) { $1 },
                ["storage-swift-authurl"], "no answer"
            ),
            (["storage-swift-username": "someone"], ["storage-swift-authurl"], "required"),
        ]
        let good = ceph.s3Options(bucket: bucket)
        for bad in cases {
            try charm.configure(bad.settings)
            let status = try charm.unitStatus()
            #expect(status.state == "blocked", "\(bad.settings.keys.sorted()): \(status)")
            for option in bad.options { #expect(status.message.contains(option), "\(status.message)") }
            #expect(status.message.contains(bad.words), "\(status.message)")
            #expect(
                !status.message.contains(ceph["CEPH_S3_SECRET_KEY"]) && !status.message.contains(ceph["CEPH_SWIFT_KEY"])
            )
            #expect(try curl("\(Self.origin)/v2/")?.status == 200)
            #expect(try charm.containerID() == id)
            #expect(try String(contentsOfFile: "/etc/docker/registry/config.yml", encoding: .utf8) == config)
            try charm.reset(bad.settings.keys.filter { good[$0] == nil })
            try charm.configure(good)
            #expect(try charm.unitStatus().state == "active", "back to the good settings after \(bad.settings.keys)")
        }
        let log = try charm.logText()
        #expect(!log.contains(ceph["CEPH_S3_SECRET_KEY"]) && !log.contains(ceph["CEPH_SWIFT_KEY"]))
    }
}
