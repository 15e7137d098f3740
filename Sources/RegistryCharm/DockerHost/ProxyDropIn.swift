public import JujuKit

/// The systemd drop-in that gives dockerd its proxy environment (`docker.service.d/http-proxy.conf`).
///
/// Values are written as given: `NO_PROXY` entries, CIDRs included, are never expanded into addresses
/// (LP#2110229). The file is written 0600 (the URLs may hold credentials) and removed with the charm. Each value
/// is quoted for systemd (`\`, `"` escaped; `%` doubled, as systemd expands specifiers).
public enum ProxyDropIn {
    /// The drop-in's file name.
    public static let fileName = "http-proxy.conf"

    /// The drop-in for `proxy`, or `nil` when no proxy is set (the drop-in should then be absent).
    ///
    /// - Throws: `DockerHostError.invalidProxy` when a value holds a control character (a newline would add a
    ///   directive).
    public static func render(_ proxy: ProxySettings) throws(DockerHostError) -> String? {
        let entries: [(variable: String, option: String, value: String?)] = [
            ("HTTP_PROXY", "http_proxy", proxy.http),
            ("HTTPS_PROXY", "https_proxy", proxy.https),
            ("NO_PROXY", "no_proxy", proxy.noProxy),
        ]
        var lines: [String] = []
        for entry in entries {
            guard let value = entry.value, !value.isEmpty else { continue }
            let word = try quoted("\(entry.variable)=\(value)", option: entry.option)
            lines.append("Environment=" + word)
        }
        guard !lines.isEmpty else { return nil }
        return (["# Managed by the docker-registry charm: changes are overwritten.", "[Service]"] + lines)
            .joined(separator: "\n") + "\n"
    }

    /// `assignment` as one double-quoted systemd word.
    static func quoted(_ assignment: String, option: String) throws(DockerHostError) -> String {
        var result = "\""
        for scalar in assignment.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "%": result += "%%"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    throw .invalidProxy(option: option, reason: "it contains a control character")
                }
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
