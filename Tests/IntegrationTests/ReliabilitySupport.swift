import Foundation

/// Images for the reliability suite: made locally (no network), pushed to and pulled from the registry.
enum TestImages {
    /// Throws unless `output` succeeded.
    static func check(_ output: ProcessOutput, _ what: String) throws {
        guard output.succeeded else { throw TestFailure("\(what): \(output.stdout) \(output.stderr)") }
    }

    /// A file of `bytes` random bytes in a fresh temporary directory; returns the directory.
    static func randomFile(named name: String, bytes: Int) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("img-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        let kib = max(1, bytes / 1024)
        try check(shell("dd", ["if=/dev/urandom", "of=\(path)", "bs=1024", "count=\(kib)", "status=none"]), "dd")
        return directory
    }

    /// Tags `tag` as the busybox test image plus one layer holding a file of random bytes.
    static func busyboxWithRandomLayer(_ tag: String, bytes: Int) throws {
        let directory = try randomFile(named: "random", bytes: bytes)
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = "reliability-build-\(UUID().uuidString.prefix(8).lowercased())"
        try check(shell("docker", ["create", "--name", name, CharmUnderTest.busyboxImage, "true"]), "docker create")
        defer { _ = try? shell("docker", ["rm", "-f", name]) }
        try check(shell("docker", ["cp", directory.appendingPathComponent("random").path, "\(name):/random"]), "cp")
        try check(shell("docker", ["commit", name, tag]), "docker commit")
    }

    /// Tags `tag` as a one-layer image (`docker import`) holding a file of random bytes.
    static func importRandom(_ tag: String, bytes: Int) throws {
        let directory = try randomFile(named: "random", bytes: bytes)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tarball = directory.appendingPathComponent("layer.tar").path
        try check(shell("tar", ["-C", directory.path, "-cf", tarball, "random"]), "tar")
        try check(shell("docker", ["import", tarball, tag]), "docker import")
    }

    /// The image id of a local image, `nil` when there is none.
    static func id(_ tag: String) throws -> String? {
        let output = try shell("docker", ["image", "inspect", "--format", "{{.Id}}", tag])
        return output.succeeded ? output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    /// The manifest digest `docker push` printed (`… digest: sha256:… size: …`).
    static func pushedDigest(_ output: ProcessOutput) -> String? {
        guard let range = output.stdout.range(of: "digest: sha256:") else { return nil }
        let rest = output.stdout[range.upperBound...].prefix { $0.isHexDigit }
        return rest.count == 64 ? "sha256:" + rest : nil
    }

    /// Removes the local tag (quietly).
    static func removeLocal(_ tag: String) { _ = try? shell("docker", ["rmi", "-f", tag]) }
}

/// Every file under some roots: type, mode, modification time and bytes, to prove a hook changed nothing.
enum FileState {
    /// Path → "type mode mtime bytes" for each root and everything below it.
    static func of(_ roots: [String], modificationTimes: Bool = true) -> [String: String] {
        var result: [String: String] = [:]
        let manager = FileManager.default
        for root in roots {
            var paths = [root]
            paths += (manager.enumerator(atPath: root)?.allObjects as? [String] ?? []).map { "\(root)/\($0)" }
            for path in paths {
                guard let attributes = try? manager.attributesOfItem(atPath: path) else { continue }
                let type = attributes[.type] as? FileAttributeType
                let mode = attributes[.posixPermissions] as? Int ?? 0
                let time = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                let bytes = type == .typeRegular ? (manager.contents(atPath: path)?.base64EncodedString() ?? "") : ""
                result[path] =
                    "\(type?.rawValue ?? "?") \(String(mode, radix: 8)) \(modificationTimes ? time : 0) \(bytes)"
            }
        }
        return result
    }

    /// The regular files under `roots`.
    static func regularFiles(_ roots: [String]) -> [String] {
        of(roots, modificationTimes: false).filter { $0.value.hasPrefix(FileAttributeType.typeRegular.rawValue) }
            .map(\.key).sorted()
    }

    /// The permission bits of `path`.
    static func mode(_ path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int
    }
}

/// Reads the argv of every process (`/proc/*/cmdline`) every 20 ms in a background thread.
final class ArgvPoller: @unchecked Sendable {
    private let lock = NSLock()
    private var running = false
    private var seen: Set<String> = []
    private var rounds = 0

    /// Starts polling.
    func start() {
        lock.withLock { running = true }
        Thread { [self] in
            while lock.withLock({ running }) {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
                var found: Set<String> = []
                for name in names where name.allSatisfy(\.isNumber) {
                    guard let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline"), !data.isEmpty
                    else { continue }
                    found.insert(String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self))
                }
                lock.withLock {
                    seen.formUnion(found)
                    rounds += 1
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }.start()
    }

    /// Stops polling; returns every distinct argv seen and the number of rounds.
    func stop() -> (argv: Set<String>, rounds: Int) {
        lock.withLock { running = false }
        Thread.sleep(forTimeInterval: 0.1)
        return lock.withLock { (seen, rounds) }
    }
}

/// The sim's model file, edited behind the charm's back.
enum SimModelFile {
    /// Empties every unit's charm state (`state-set` values) in `<state>/model.json`; returns how many keys went.
    @discardableResult
    static func dropUnitState(stateDirectory: URL) throws -> Int {
        let url = stateDirectory.appendingPathComponent("model.json")
        guard var model = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
            var units = model["units"] as? [[String: Any]]
        else { throw TestFailure("model.json has no units") }
        var dropped = 0
        for index in units.indices {
            dropped += (units[index]["state"] as? [String: Any])?.count ?? 0
            units[index]["state"] = [String: String]()
        }
        model["units"] = units
        try JSONSerialization.data(withJSONObject: model).write(to: url)
        return dropped
    }

    /// Replaces every unit's state with `state` (a corrupt value, say); returns how many keys there were before.
    @discardableResult
    static func setUnitState(stateDirectory: URL, _ state: [String: String]) throws -> Int {
        let url = stateDirectory.appendingPathComponent("model.json")
        guard var model = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
            var units = model["units"] as? [[String: Any]]
        else { throw TestFailure("model.json has no units") }
        var before = 0
        for index in units.indices {
            before += (units[index]["state"] as? [String: Any])?.count ?? 0
            units[index]["state"] = state
        }
        model["units"] = units
        try JSONSerialization.data(withJSONObject: model).write(to: url)
        return before
    }

    /// The statuses each unit went through (`statusHistory`), as text.
    static func statusHistory(stateDirectory: URL) throws -> String {
        let url = stateDirectory.appendingPathComponent("model.json")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let units = model?["units"] as? [[String: Any]] ?? []
        let history = units.map { $0["statusHistory"] ?? [] }
        return String(decoding: try JSONSerialization.data(withJSONObject: history), as: UTF8.self)
    }
}

/// A small tmpfs mounted over an empty directory for a test; `unmount()` is safe to call twice.
final class SmallTmpfs {
    let path: String
    private var mounted = false

    /// Creates `path` (it must not exist yet, so nothing is hidden) and mounts a tmpfs of `megabytes` there.
    init(path: String, megabytes: Int) throws {
        self.path = path
        guard !FileManager.default.fileExists(atPath: path) else {
            throw TestFailure("\(path) exists already; refusing to mount over it")
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try TestImages.check(shell("mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", path]), "mount")
        mounted = true
    }

    /// Unmounts and removes the directory.
    func unmount() {
        guard mounted else { return }
        if (try? shell("umount", [path]))?.succeeded == true { mounted = false }
        try? FileManager.default.removeItem(atPath: path)
    }
}
