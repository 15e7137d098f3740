import JujuKit

/// What a machine gives the units placed on it.
///
/// Their address, extra environment for their hooks and actions, and a command prefix that runs those processes on
/// the machine (such as `nsenter` into a network namespace).
///
/// Units are placed on machine `N` for unit number `N` (as `deploy` and `add-unit` always did); a machine with no
/// settings is this host, at 127.0.0.1.
struct SimMachine: Codable, Sendable, Equatable {
    /// The units' private and public address.
    var address: String?
    /// Variables added to every hook and action of the machine's units; Juju's own variables win.
    var environment: [String: String]?
    /// argv placed before the hook or action executable; the first word is an absolute path.
    var commandPrefix: [String]?

    enum CodingKeys: String, CodingKey {
        case address
        case environment
        case commandPrefix = "command-prefix"
    }

    /// Reads the settings from a YAML map (`address`, `environment`, `command-prefix`); `source` names it in errors.
    static func parse(_ value: JSONValue, source: String) throws -> SimMachine {
        guard let map = value.objectValue else { throw SimError("\(source): expected a YAML map") }
        let known: Set = ["address", "environment", "command-prefix"]
        if let unknown = map.keys.sorted().first(where: { !known.contains($0) }) {
            throw SimError("\(source): unknown machine setting \"\(unknown)\"")
        }
        var machine = SimMachine()
        if let address = map["address"] {
            guard let text = address.stringValue, !text.isEmpty, !text.contains(where: \.isWhitespace) else {
                throw SimError("\(source): address must be a non-empty string without spaces")
            }
            machine.address = text
        }
        if let environment = map["environment"] {
            guard let entries = environment.objectValue else {
                throw SimError("\(source): environment must be a map of names to strings")
            }
            var values: [String: String] = [:]
            for (name, value) in entries {
                guard let text = value.stringValue, !name.isEmpty, !name.contains("=") else {
                    throw SimError("\(source): environment \"\(name)\" must be a name without '=' and a string")
                }
                values[name] = text
            }
            machine.environment = values
        }
        if let prefix = map["command-prefix"] {
            guard let words = prefix.arrayValue?.compactMap(\.stringValue), words.count == prefix.arrayValue?.count,
                let first = words.first, first.hasPrefix("/")
            else {
                throw SimError("\(source): command-prefix must be a list of strings starting with an absolute path")
            }
            machine.commandPrefix = words
        }
        return machine
    }
}
