/// A bind mount of a host path into the container.
public struct Mount: Sendable, Hashable {
    /// The absolute path on the host.
    public var source: String
    /// The absolute path inside the container.
    public var target: String
    /// Whether the container may only read it.
    public var readOnly: Bool

    /// Creates a bind mount.
    public init(source: String, target: String, readOnly: Bool = true) {
        self.source = source
        self.target = target
        self.readOnly = readOnly
    }

    /// The `-v` value: `source:target` with `:ro` when read-only.
    public var volumeArgument: String {
        "\(source):\(target)" + (readOnly ? ":ro" : "")
    }
}

/// Everything that defines the registry container.
///
/// The fixed part of every container the charm makes is `-d --network host --restart unless-stopped` plus two
/// labels: ``ContainerLabels/managedBy`` and ``ContainerLabels/specDigest``. Values that may hold credentials (proxy
/// URLs) reach the container only through ``environmentFile``, never as `-e` arguments.
public struct ContainerSpec: Sendable, Equatable {
    /// The container name (matched exactly, never as a substring or an id prefix).
    public var name: String
    /// The image reference, such as `registry:2`.
    ///
    /// The reference, not the image id, is part of the spec: re-tagging another image under the same reference does
    /// not re-create the container.
    public var image: String
    /// Bind mounts; their order does not matter.
    public var mounts: [Mount]
    /// A file of `KEY=value` lines handed to `docker run --env-file`, if any; it must exist when the container is
    /// created, and docker reads it only then (so its content belongs in ``inputsDigest``).
    public var environmentFile: String?
    /// A digest, computed by the caller, of the files the registry reads only at start.
    ///
    /// Those are `config.yml`, htpasswd, certificates and the environment file; a change re-creates the container.
    public var inputsDigest: String
    /// The arguments after the image (the container's command), such as `serve /etc/docker/registry/config.yml`.
    ///
    /// The image's entrypoint is kept: the official images' script hands `serve …` to the registry binary, and an
    /// image whose entrypoint is the binary gets the same arguments.
    public var command: [String]

    /// Creates a spec.
    public init(
        name: String,
        image: String,
        mounts: [Mount] = [],
        environmentFile: String? = nil,
        inputsDigest: String,
        command: [String] = []
    ) {
        self.name = name
        self.image = image
        self.mounts = mounts
        self.environmentFile = environmentFile
        self.inputsDigest = inputsDigest
        self.command = command
    }
}

/// The labels the charm puts on its container.
public enum ContainerLabels {
    /// Marks a container as made by this charm.
    public static let managedBy = "io.juju.docker-registry.managed-by"
    /// The value of ``managedBy``.
    public static let managedByValue = "docker-registry-charm"
    /// The digest of the spec the container was made from (see ``ContainerManager/specDigest(_:)``).
    public static let specDigest = "io.juju.docker-registry.spec-digest"
}

extension ContainerSpec {
    /// The options of `docker run` / `docker container create` that define the container, without the digest label
    /// and without the image: the same spec always gives the same list (mounts are sorted by target).
    ///
    /// - Throws: `DockerError.invalidSpec` when a value could be mistaken for an option or would split a `-v` value.
    func definingArguments() throws(DockerError) -> [String] {
        try validate()
        var arguments = [
            "--name", name,
            "--network", "host",
            "--restart", "unless-stopped",
            "--label", "\(ContainerLabels.managedBy)=\(ContainerLabels.managedByValue)",
        ]
        if let environmentFile {
            arguments += ["--env-file", environmentFile]
        }
        for mount in mounts.sorted(by: { ($0.target, $0.source) < ($1.target, $1.source) }) {
            arguments += ["-v", mount.volumeArgument]
        }
        return arguments
    }

    /// The full `docker` argv after the verb (`run -d` or `container create`): options, labels, the image, then the
    /// command.
    func creationArguments(specDigest: String) throws(DockerError) -> [String] {
        try definingArguments() + ["--label", "\(ContainerLabels.specDigest)=\(specDigest)", image] + command
    }

    private func validate() throws(DockerError) {
        guard Self.isValidContainerName(name) else {
            throw .invalidSpec(container: name, reason: "the name must match [a-zA-Z0-9][a-zA-Z0-9_.-]*")
        }
        guard !image.isEmpty, !image.hasPrefix("-"), !image.contains(where: { $0.isWhitespace }) else {
            throw .invalidSpec(container: name, reason: "image '\(image)' is not an image reference")
        }
        if let environmentFile, !environmentFile.hasPrefix("/") {
            throw .invalidSpec(container: name, reason: "environment file '\(environmentFile)' is not an absolute path")
        }
        for mount in mounts {
            for path in [mount.source, mount.target] {
                guard path.hasPrefix("/"), !path.contains(":"), !path.contains(","), !path.contains("\n") else {
                    throw .invalidSpec(
                        container: name,
                        reason: "mount path '\(path)' must be absolute, without ':' or ','"
                    )
                }
            }
        }
        guard command.allSatisfy({ !$0.isEmpty && !$0.contains("\n") }) else {
            throw .invalidSpec(container: name, reason: "the command has an empty or multi-line argument")
        }
        let targets = mounts.map(\.target)
        guard Set(targets).count == targets.count else {
            throw .invalidSpec(container: name, reason: "two mounts share a target")
        }
    }

    /// Whether `name` is a name docker accepts for a container.
    public static func isValidContainerName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, isAlphanumeric(first) else { return false }
        return name.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "_" || $0 == "." || $0 == "-" }
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
