import Foundation

/// One action run through `charm-sim run --format json`, shaped like `juju run`'s result.
struct ActionRun {
    var status: String
    var message: String?
    var results: [String: Any]
    var log: [String]
    /// Everything the operator sees, for secret checks.
    var raw: String

    /// A result as a string.
    func result(_ key: String) -> String? { results[key] as? String }
}

extension CharmUnderTest {
    /// Runs action `name` with `parameters` (`key=value`, typed as `juju run` types them).
    func action(_ name: String, _ parameters: [String: String] = [:]) throws -> ActionRun {
        let output = try sim(
            ["run", "--format", "json", name] + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        )
        guard
            let json = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any],
            let task = json["docker-registry/0"] as? [String: Any]
        else { throw TestFailure("run \(name): no report: \(output.stdout) \(output.stderr)") }
        return ActionRun(
            status: task["status"] as? String ?? "",
            message: task["message"] as? String,
            results: task["results"] as? [String: Any] ?? [:],
            log: task["log"] as? [String] ?? [],
            raw: output.stdout + output.stderr
        )
    }
}

/// A docker client configuration of its own (so root's ~/.docker is never touched), removed by `remove()`.
struct DockerClientConfig {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("docker-\(UUID().uuidString)").path
    var environment: [String: String] { ["DOCKER_CONFIG": directory] }

    func login(_ netloc: String, user: String, password: String) throws -> ProcessOutput {
        try shell(
            "docker",
            ["login", netloc, "-u", user, "--password-stdin"],
            input: password,
            environment: environment
        )
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The registry's `Docker-Content-Digest` for `repository:reference`, asked with curl (extra options for TLS/auth).
func registryDigest(
    _ origin: String,
    _ repository: String,
    _ reference: String,
    extra: [String] = [],
    configLines: [String] = []
) throws -> String? {
    let accept =
        "Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"
    let answer = try curl(
        "\(origin)/v2/\(repository)/manifests/\(reference)",
        method: "HEAD",
        extra: ["-H", accept, "-I"] + extra,
        configLines: configLines
    )
    return answer?.headers["docker-content-digest"]
}

/// Bytes under `path` (`du -sb`).
func diskUsage(_ path: String) throws -> Int {
    let output = try shell("du", ["-sb", path])
    return Int(output.stdout.split(separator: "\t").first ?? "") ?? -1
}

/// Imports an image holding `megabytes` MB of random bytes as `reference` (`docker import` of a tarball).
func importRandomImage(_ reference: String, megabytes: Int) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("random-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let blob = try shell(
        "dd",
        ["if=/dev/urandom", "of=\(directory.appendingPathComponent("random.bin").path)", "bs=1M", "count=\(megabytes)"]
    )
    guard blob.succeeded else { throw TestFailure("dd: \(blob.stderr)") }
    let tarball = directory.path + ".tar"
    defer { try? FileManager.default.removeItem(atPath: tarball) }
    guard try shell("tar", ["-cf", tarball, "-C", directory.path, "random.bin"]).succeeded else {
        throw TestFailure("tar failed")
    }
    let imported = try shell("docker", ["import", tarball, reference])
    guard imported.succeeded else { throw TestFailure("docker import: \(imported.stderr)") }
}
