import JujuKit

extension CharmConfig {
    /// Reads a Nagios name (`nagios_context`) or a comma-separated list of names (`nagios_servicegroups`).
    ///
    /// The values end up in Nagios object definitions and host names, so only letters, digits, `.`, `_` and `-` are
    /// allowed: anything else could break the exported definition or inject another directive.
    static func nagiosNames(_ reader: inout ConfigReader, _ option: String, list: Bool) -> String? {
        guard let value = reader.trimmed(option) else { return nil }
        let names = list ? value.split(separator: ",").map { String($0).trimmingWhitespace() } : [value]
        let valid = names.allSatisfy { ASCIIWord.isMade($0, ofAlphanumericsAnd: "._-") }
        guard valid else {
            reader.report(
                option,
                list
                    ? "must be a comma-separated list of names made of letters, digits, '.', '_' and '-'"
                    : "must be a name made of letters, digits, '.', '_' and '-'"
            )
            return nil
        }
        return names.joined(separator: ",")
    }
}
