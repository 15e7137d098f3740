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

    /// The keys read in the nrpe unit's databag.
    static let remoteKeys = ["nagios_hostname", "nagios_host_context"]

    /// The longest check command name (`check_docker_registry`), which follows the host in exported file names.
    static let longestCommand = "check_docker_registry"

    /// The longest Nagios host name whose exported service files (`service__<host>_<command>.cfg`) fit a file name
    /// (255 bytes).
    static let maximumHostNameLength = 255 - exportedFileName(hostName: "", command: longestCommand).utf8.count

    /// The exported service definition's file name for `command` on `hostName`.
    static func exportedFileName(hostName: String, command: String) -> String {
        "service__\(hostName)_\(command).cfg"
    }

    /// The Nagios host this unit's services belong to.
    ///
    /// The nrpe unit's `nagios_hostname` when it gives a usable one, else `<context>-<unit with / as ->` where the
    /// context is its `nagios_host_context` when usable, else `nagios_context`. Usable: one Nagios word that leaves
    /// the exported file names within 255 bytes.
    static func hostName(remote: [String: String], context: String, unitName: String) -> String {
        if let given = remote["nagios_hostname"], isNagiosHostName(given) { return given }
        let unit = unitName.replacing("/", with: "-")
        if let hostContext = remote["nagios_host_context"], isNagiosHostName("\(hostContext)-\(unit)") {
            return "\(hostContext)-\(unit)"
        }
        return "\(context)-\(unit)"
    }

    /// The values the nrpe unit gives that are refused (not one Nagios word, or too long for the exported file
    /// names), by key: what the status names.
    static func refused(remote: [String: String], unitName: String) -> [String: String] {
        let unit = unitName.replacing("/", with: "-")
        var refused: [String: String] = [:]
        if let given = remote["nagios_hostname"], !given.isEmpty, !isNagiosHostName(given) {
            refused["nagios_hostname"] = given
        }
        if let given = remote["nagios_host_context"], !given.isEmpty, !isNagiosHostName("\(given)-\(unit)") {
            refused["nagios_host_context"] = given
        }
        return refused
    }

    /// Whether `text` can be a Nagios host name: one Nagios word short enough for the exported file names.
    static func isNagiosHostName(_ text: String) -> Bool {
        text.utf8.count <= maximumHostNameLength && isNagiosName(text)
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
                    Path.join(exportDirectory, Self.exportedFileName(hostName: hostName, command: check.command)),
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
