import JujuKit

/// The files and relation data for the `nrpe-external-master` relation, worked out without touching anything.
struct NrpePlan: Equatable {
    /// The checks.
    var checks: [NrpeCheck]
    /// The Nagios host this unit's services belong to.
    var hostName: String
    /// The Nagios service groups.
    var servicegroups: String

    /// The templates under `templates/`.
    static let commandTemplate = "nrpe-command.cfg"
    /// The exported service definition.
    static let serviceTemplate = "nrpe-service.cfg"

    /// The Nagios host name: the nrpe unit's `nagios_hostname` when it gives a usable one, else
    /// `<context>-<unit with / as ->` where the context is its `nagios_host_context` or `nagios_context`.
    static func hostName(remote: [String: String], context: String, unitName: String) -> String {
        if let given = remote["nagios_hostname"], isNagiosName(given) { return given }
        let hostContext = remote["nagios_host_context"].flatMap { isNagiosName($0) ? $0 : nil } ?? context
        return "\(hostContext)-\(unitName.replacing("/", with: "-"))"
    }

    /// Whether `text` can stand in a Nagios definition as one word.
    static func isNagiosName(_ text: String) -> Bool {
        text.count <= 255 && ASCIIWord.isMade(text, ofAlphanumericsAnd: "._-")
    }

    /// Every file: path and content.
    func files(nrpeDirectory: String, exportDirectory: String, command: Template, service: Template)
        throws(TemplateError) -> [(path: String, content: String)]
    {
        var files: [(path: String, content: String)] = []
        for check in checks {
            files.append(
                (
                    Path.join(nrpeDirectory, "\(check.command).cfg"),
                    try command.render([
                        "description": check.description, "command": check.command,
                        "command_line": check.commandLine,
                    ])
                )
            )
            files.append(
                (
                    Path.join(exportDirectory, "service__\(hostName)_\(check.command).cfg"),
                    try service.render([
                        "host_name": hostName, "description": check.description, "command": check.command,
                        "servicegroups": servicegroups,
                    ])
                )
            )
        }
        return files
    }

    /// The `monitors` value: `{monitors: {remote: {nrpe: {<name>: {command: <command>}}}}}`, as JSON (which is YAML).
    var monitors: String {
        let nrpe = Dictionary(uniqueKeysWithValues: checks.map { ($0.monitorName, ["command": $0.command]) })
        return JSONText.encode(["monitors": ["remote": ["nrpe": nrpe]]])
    }
}
