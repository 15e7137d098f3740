/// Every hook tool the simulator provides.
enum ToolRegistry {
    /// All tools by name.
    static let tools: [String: ToolDefinition] = {
        var result: [String: ToolDefinition] = [:]
        for tool in UnitTools.all + RelationTools.all + StatusTools.all + ActionTools.all + PortTools.all
            + StateTools.all + SecretTools.all
        {
            result[tool.name] = tool
        }
        return result
    }()

    /// Tool names available for a Juju version (leader-* are gone in 4.0, relation-model-get needs 3.6.2,
    /// secret-* need 3.0).
    static func names(major: Int, minor: Int) -> [String] {
        tools.keys.filter { name in
            if major >= 4 && (name == "leader-get" || name == "leader-set") { return false }
            if major < 3 && SecretTools.names.contains(name) { return false }
            if name == "relation-model-get" && (major, minor) < (3, 6) { return false }
            return true
        }.sorted()
    }
}
