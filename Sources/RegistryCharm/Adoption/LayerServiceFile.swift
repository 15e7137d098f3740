/// `/lib/systemd/system/docker.service` as the docker layer rendered it, with the proxy of the day in
/// `Environment="HTTP_PROXY=…"` lines (`templates/docker.systemd`).
///
/// This charm gives dockerd its proxy through a 0600 drop-in that follows the configuration; the layer's lines would
/// keep an old proxy (and its credentials, world-readable) after the option is cleared, so they are removed.
public enum LayerServiceFile {
    /// Where the docker layer wrote the unit.
    public static let path = "/lib/systemd/system/docker.service"
    /// The `ExecStart` line of the layer's (and Ubuntu's docker.io) unit.
    static let execStart = "ExecStart=/usr/bin/dockerd -H fd:// $DOCKER_OPTS"
    /// The proxy lines the layer rendered, by prefix.
    static let proxyPrefixes = ["Environment=\"HTTP_PROXY=", "Environment=\"HTTPS_PROXY=", "Environment=\"NO_PROXY="]

    /// The drop-in early docker layers (2016) wrote to run `docker daemon -H fd:// $DOCKER_OPTS`, a command today's
    /// engine no longer has.
    public static let legacyDropIn = "10-docker-opts-support.conf"

    /// Whether `text` is that drop-in (it overrides `ExecStart` with `$DOCKER_OPTS`).
    public static func isLegacyDropIn(_ text: String) -> Bool {
        text.contains("ExecStart=") && text.contains("$DOCKER_OPTS")
    }

    /// `text` without the layer's proxy lines, or `nil` when it is not the layer's unit or has none.
    public static func withoutLayerProxy(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.contains(where: { $0 == execStart }) else { return nil }
        let kept = lines.filter { line in !proxyPrefixes.contains { line.hasPrefix($0) } }
        guard kept.count != lines.count else { return nil }
        return kept.joined(separator: "\n")
    }
}
