import FoundationEssentials
public import JujuKit

/// Builds `daemon.json`: the file is owned by the charm and its content is
/// `docker-opts` (translated) ⊕ the charm's additions ⊕ `daemon-opts`, with `daemon-opts` winning on shared keys.
///
/// Keys an operator added to the file by hand are not kept: they belong in `daemon-opts`. The one merged key is
/// `insecure-registries`, the sorted, de-duplicated union of the operator's entries (from both options) and the
/// registries the charm trusts; it is always written, as `[]` when empty (see `DaemonReloadPolicy`).
public enum DaemonConfiguration {
    /// The runtime the nvidia packages register, and that layer-docker made the default.
    public static let nvidiaRuntime: [String: JSONValue] = [
        "nvidia": .object(["path": "nvidia-container-runtime", "runtimeArgs": .array([])])
    ]

    /// The `daemon.json` object for `settings`.
    ///
    /// - Parameters:
    ///   - insecureRegistries: the charm's own registries to reach over plain http (`host:port`).
    ///   - nvidia: whether to register the nvidia runtime and make it the default.
    /// - Throws: `DockerHostError.invalidDaemonOption` for a combination dockerd would refuse to start with.
    public static func render(
        _ settings: DockerHostSettings,
        insecureRegistries: [String],
        nvidia: Bool = false
    ) throws(DockerHostError) -> [String: JSONValue] {
        let legacy = DockerOptsTranslator.translate(settings.dockerOpts).options
        var content = legacy
        if nvidia {
            content["runtimes"] = .object(nvidiaRuntime)
            content["default-runtime"] = "nvidia"
        }
        for (key, value) in settings.daemonOptions { content[key] = value }

        var registries = Set<String>()
        for source in [legacy["insecure-registries"], settings.daemonOptions["insecure-registries"]] {
            guard let source else { continue }
            guard let entries = source.arrayValue else {
                throw .invalidDaemonOption(key: "insecure-registries", reason: "it must be a list of strings")
            }
            for entry in entries {
                guard let text = entry.stringValue else {
                    throw .invalidDaemonOption(key: "insecure-registries", reason: "it must be a list of strings")
                }
                registries.insert(text)
            }
        }
        for netloc in insecureRegistries {
            try RegistryAddress.validate(netloc)
            registries.insert(netloc)
        }
        for entry in registries where entry.isEmpty || entry.contains("://") || entry.contains(where: \.isWhitespace) {
            throw .invalidDaemonOption(key: "insecure-registries", reason: "'\(entry)' must be host[:port] or a cidr")
        }
        content["insecure-registries"] = .array(registries.sorted().map(JSONValue.string))
        try validate(content)
        return content
    }

    /// Rejects what would stop dockerd from starting on a systemd unit.
    static func validate(_ content: [String: JSONValue]) throws(DockerHostError) {
        if content["hosts"] != nil {
            throw .invalidDaemonOption(
                key: "hosts",
                reason: "docker.service passes -H fd:// and dockerd refuses a key that is also a flag"
            )
        }
        if let logOptions = content["log-opts"] {
            guard let map = logOptions.objectValue, map.values.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidDaemonOption(key: "log-opts", reason: "every value must be a string, e.g. \"100\"")
            }
        }
        for key in ["labels", "registry-mirrors", "allow-nondistributable-artifacts", "authorization-plugins"] {
            guard let value = content[key] else { continue }
            guard let list = value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw .invalidDaemonOption(key: key, reason: "it must be a list of strings")
            }
        }
        if let runtime = content["default-runtime"], runtime.stringValue == nil {
            throw .invalidDaemonOption(key: "default-runtime", reason: "it must be a string")
        }
    }

    /// The file's bytes: pretty JSON with sorted keys and unescaped slashes, ending with a newline.
    public static func serialise(_ content: [String: JSONValue]) throws(DockerHostError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(content)) + [UInt8(ascii: "\n")]
        } catch {
            throw .invalidDaemonOption(key: "*", reason: "cannot be encoded: \(error)")
        }
    }

    /// Parses an existing file: `[:]` when there is none or it is blank, `nil` when it is not a JSON object.
    public static func parse(_ bytes: [UInt8]?) -> [String: JSONValue]? {
        guard let bytes, !String(decoding: bytes, as: UTF8.self).trimmingWhitespace().isEmpty else { return [:] }
        return (try? JSONValue(parsing: bytes))?.objectValue
    }
}
