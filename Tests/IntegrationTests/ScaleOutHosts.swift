import Foundation
import Yams

/// Several machines on this one.
///
/// `scripts/multi-host.sh` (a network and mount namespace per host, each with its own
/// address on a private bridge and its own dockerd) and `scripts/ceph-backend.sh` (Ceph's radosgw on the bridge's
/// host-side address, so every host reaches the same S3 store). `down()` stops and removes all of it; `up()` tears
/// down whatever a previous run left first.
final class ScaleOutHosts {
    /// The scale-out suite runs with the integration suites unless `CHARM_SCALE_OUT=0`.
    static let enabled =
        CharmUnderTest.enabled && ProcessInfo.processInfo.environment["CHARM_SCALE_OUT"] != "0"

    /// Where the hosts' state lives (sockets, per-host /etc/docker and /srv).
    static let directory = "/run/charm-scale"
    /// The S3 bucket the registries share.
    static let bucket = "docker-registry-scale"
    private static let cephSettings = [
        "CEPH_DIR": "/run/charm-scale-ceph", "CEPH_MON_PORT_V2": "3320", "CEPH_MON_PORT_V1": "6799",
        "CEPH_RGW_PORT": "7490",
    ]

    /// `KEY=value` lines of the hosts' env file.
    let hosts: [String: String]
    /// `KEY=value` lines of Ceph's env file (S3 endpoint and keys).
    let ceph: [String: String]

    private init(hosts: [String: String], ceph: [String: String]) {
        self.hosts = hosts
        self.ceph = ceph
    }

    static func script(_ name: String) -> String {
        CharmUnderTest.repository.appendingPathComponent("scripts/\(name)").path
    }

    /// Runs a script of `scripts/` with every inherited descriptor above 2 closed first: the daemons it leaves
    /// running must not hold the descriptor Foundation's `Process` watches for the script's exit, or the wait would
    /// last as long as they do.
    @discardableResult
    static func run(_ name: String, _ arguments: [String], environment: [String: String]) throws -> ProcessOutput {
        let closeAndRun = """
            for fd in /proc/$$/fd/*; do fd=${fd##*/}; if [ "$fd" -gt 2 ]; then eval "exec $fd>&-" 2>/dev/null; fi; done
            exec "$@"
            """
        return try shell("/bin/bash", ["-c", closeAndRun, "bash", script(name)] + arguments, environment: environment)
    }

    /// Brings up the hosts `u0`…`u3` and `client`, Ceph on the bridge, and the bucket.
    static func up() throws -> ScaleOutHosts {
        do {
            let environment = ["SCALE_DIR": directory]
            try TestImages.check(run("multi-host.sh", ["up"], environment: environment), "multi-host.sh up")
            let hosts = try readEnvironment(directory + "/env")
            guard let bridge = hosts["SCALE_BRIDGE_ADDRESS"] else { throw TestFailure("no bridge address in the env") }
            var cephEnvironment = cephSettings
            cephEnvironment["CEPH_RGW_ADDR"] = bridge
            try TestImages.check(
                run("ceph-backend.sh", ["start"], environment: cephEnvironment),
                "ceph-backend.sh start"
            )
            let ceph = try readEnvironment(cephSettings["CEPH_DIR", default: ""] + "/env")
            try TestImages.check(
                shell(script("s3-bucket.py"), ["create", bucket], environment: ceph),
                "creating the bucket"
            )
            return ScaleOutHosts(hosts: hosts, ceph: ceph)
        } catch {
            tearDown()
            throw error
        }
    }

    /// Stops Ceph and the hosts and removes their state (safe when nothing runs).
    func down() { Self.tearDown() }

    private static func tearDown() {
        _ = try? run("ceph-backend.sh", ["stop"], environment: cephSettings)
        _ = try? run("multi-host.sh", ["down"], environment: ["SCALE_DIR": directory])
    }

    private static func readEnvironment(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            var value = String(line[line.index(after: equals)...])
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            values[String(line[..<equals])] = value
        }
        return values
    }

    private func value(_ host: String, _ key: String) -> String {
        hosts["SCALE_\(host.uppercased())_\(key)"] ?? ""
    }

    /// The host's address on the bridge.
    func address(_ host: String) -> String { value(host, "ADDRESS") }
    /// The bridge's host-side address (haproxy and radosgw listen there).
    var bridge: String { hosts["SCALE_BRIDGE_ADDRESS"] ?? "" }

    /// What charm-sim's `set-machine` needs for the machine of unit `n`: its address, its dockerd, and the prefix
    /// that runs hooks in its namespaces.
    func machineSettings(unit n: Int) -> String {
        let host = "u\(n)"
        let settings: [String: Any] = [
            "address": address(host),
            "environment": ["DOCKER_HOST": value(host, "DOCKER_HOST")],
            "command-prefix": value(host, "PREFIX").split(separator: " ").map(String.init),
        ]
        // JSON is YAML.
        let data = (try? JSONSerialization.data(withJSONObject: settings, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs the docker CLI against `host`'s dockerd.
    @discardableResult
    func docker(_ host: String, _ arguments: [String]) throws -> ProcessOutput {
        try shell("docker", arguments, environment: ["DOCKER_HOST": value(host, "DOCKER_HOST")])
    }

    /// A file under `host`'s own /etc/docker, as the units' charm wrote it.
    func etcDocker(_ host: String, _ path: String) -> String {
        "\(Self.directory)/\(host)/etc-docker/\(path)"
    }

    /// The registry's `http.secret` from the config.yml the charm wrote on unit `n`'s host.
    func httpSecret(unit n: Int) throws -> String? {
        let text = try String(contentsOfFile: etcDocker("u\(n)", "registry/config.yml"), encoding: .utf8)
        let config = try Yams.load(yaml: text) as? [String: Any]
        return (config?["http"] as? [String: Any])?["secret"] as? String
    }

    /// The keys Ceph holds under `prefix` in the registries' bucket.
    func storedKeys(_ prefix: String) throws -> [String] {
        let output = try shell(Self.script("s3-bucket.py"), ["list", Self.bucket, prefix], environment: ceph)
        try TestImages.check(output, "listing the bucket")
        return output.stdout.split(separator: "\n").map(String.init)
    }

    /// The charm's S3 options for the shared bucket.
    var storageConfig: [String: String] {
        [
            "storage-s3-region": ceph["CEPH_S3_REGION"] ?? "us-east-1", "storage-s3-bucket": Self.bucket,
            "storage-s3-accesskey": ceph["CEPH_S3_ACCESS_KEY"] ?? "",
            "storage-s3-secretkey": ceph["CEPH_S3_SECRET_KEY"] ?? "",
            "storage-s3-regionendpoint": ceph["CEPH_S3_ENDPOINT"] ?? "", "storage-s3-forcepathstyle": "true",
            "storage-s3-secure": "false",
        ]
    }
}
