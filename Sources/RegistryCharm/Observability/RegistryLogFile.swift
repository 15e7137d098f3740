import JujuKit

/// The registry's log where a log collector reads it: `/var/log/docker-registry/<container>.log`, a symbolic link to
/// the file docker writes the container's output to (`json-file` driver: one JSON object a line, rotated by docker
/// as `daemon-opts` says, `max-size` 10 MB and `max-file` 100 by default).
///
/// The opentelemetry-collector tails `/var/log/**/*log`, which the link matches; docker's own files under
/// `/var/lib/docker/containers/` are not read. The collector labels the lines with the unit's Juju topology.
struct RegistryLogFile {
    let files: any FileSystem
    let paths: HostPaths

    /// The link for the container `name`.
    func path(_ name: String) -> String { Path.join(paths.logDirectory, "\(name).log") }

    /// Points the link for `container` at its log file (one `readlink` when it already does); removes it when docker
    /// keeps no log file (another log driver).
    func update(_ container: ContainerInfo) throws(FileSystemError) {
        let link = path(container.name)
        guard let target = container.logPath else {
            if files.linkTarget(link) != nil { try files.remove(link) }
            return
        }
        guard files.linkTarget(link) != target else { return }
        try files.link(link, to: target)
    }

    /// Removes the link for the container `name`.
    func remove(_ name: String) throws(FileSystemError) {
        try files.remove(path(name))
    }
}
