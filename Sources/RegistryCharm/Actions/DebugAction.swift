import FoundationEssentials
import JujuKit

/// `debug`: an archive of what an operator or a bug report needs, with every secret redacted.
///
/// It holds `docker version`, `docker info`, the containers and images, the registry's recent logs, the rendered
/// `config.yml` and `daemon.json` (each secret-bearing value replaced by `REDACTED`, then every known secret masked),
/// and the charm's flags. The archive is created 0600 and its path is the `path` result.
struct DebugAction {
    let charm: RegistryCharm
    let action: RegistryActionContext

    /// Keys whose values are secrets wherever they appear in `config.yml` or `daemon.json`.
    static let secretKeys: Set<String> = ["secret", "password", "accesskey", "secretkey", "key-secret", "token"]

    func run() async throws {
        let environment = charm.environment
        let files = environment.files
        let docker = environment.docker
        let name = try await charm.prepared(action.session).config.registryName
        let directory = try ActionSupport.makePrivateDirectory(files, prefix: "docker-registry-debug")
        defer { try? files.removeTree(directory) }

        let commands: [(file: String, arguments: [String])] = [
            ("docker-version.txt", ["version"]),
            ("docker-info.txt", ["info"]),
            ("docker-containers.txt", ["container", "ls", "--all", "--no-trunc"]),
            ("docker-images.txt", ["image", "ls", "--all", "--digests"]),
            ("registry.log", ["container", "logs", "--tail", "5000", name]),
        ]
        for (file, arguments) in commands {
            await action.log("Collecting docker \(arguments.joined(separator: " ")).")
            let text: String
            do {
                let result = try await docker.run(arguments, mergeOutput: true)
                text = result.standardOutput + (result.succeeded ? "" : "\n(exit status \(result.exitCode))\n")
            } catch {
                text = "\(error.description)\n"
            }
            try write(Path.join(directory, file), text)
        }
        let paths = environment.paths
        for (file, source) in [("config.yml", paths.configFile), ("daemon.json", paths.daemonJSON)] {
            if let text = try files.readText(source) { try write(Path.join(directory, file), text) }
        }
        let flags = action.session.flags.persistent.map(\.rawValue).sorted()
        try write(Path.join(directory, "charm-flags.txt"), flags.joined(separator: "\n") + "\n")

        let stamp = Int(Date().timeIntervalSince1970)
        let archive = "/tmp/docker-registry-debug-\(stamp)-\(ActionSupport.randomSuffix()).tar.gz"
        // Created 0600 before tar writes into it.
        try files.write(archive, [], mode: .ownerOnly)
        let result = try await environment.runner.run(Command("tar", ["-czf", archive, "-C", directory, "."]))
        guard result.succeeded else {
            try? files.remove(archive)
            throw ActionFailure("Could not write the debug archive: \(result.reason).")
        }
        await action.log("Wrote \(archive).")
        action.set("path", archive)
    }

    private func write(_ path: String, _ text: String) throws {
        let safe = action.session.secrets.mask(Self.redact(text))
        try charm.environment.files.write(path, Array(safe.utf8), mode: .ownerOnly)
    }

    /// `text` with the value of every YAML (`key: value`) or JSON (`"key": value`) entry whose key is a secret key
    /// replaced by `REDACTED`; proxy URLs lose their credentials.
    static func redact(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let indent = line.prefix(line.count - trimmed.count)
            var key = trimmed.prefix { $0 != ":" }
            if key.hasPrefix("\"") { key = key.dropFirst().prefix { $0 != "\"" } }
            if key.count < trimmed.count, secretKeys.contains(key.lowercased()) {
                let quoted = trimmed.hasPrefix("\"")
                let comma = trimmed.hasSuffix(",") ? "," : ""
                return "\(indent)\(quoted ? "\"\(key)\"" : String(key)): \"REDACTED\"\(comma)"
            }
            return stripCredentials(String(line))
        }.joined(separator: "\n")
    }

    /// `scheme://user:password@host` → `scheme://REDACTED@host`, anywhere in `line`.
    static func stripCredentials(_ line: String) -> String {
        var result = ""
        var rest = Substring(line)
        while let scheme = rest.firstRange(of: "://") {
            result += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authority = rest.prefix { !"/ \"',".contains($0) }
            if let at = authority.lastIndex(of: "@") {
                result += "REDACTED"
                rest = rest[at...]
            }
        }
        return result + rest
    }
}
