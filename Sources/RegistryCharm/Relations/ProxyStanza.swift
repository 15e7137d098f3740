import JujuKit

/// The haproxy service the leader publishes as `services` on the `website` relation (the http interface).
///
/// Every unit is a server, sorted by unit number; the first is primary and the rest are `backup`, so haproxy sends
/// all traffic to one registry at a time (an upload must finish where it started). With https the proxy passes
/// TLS through (`mode tcp`, a TCP check, no `ssl` on the servers), so clients verify the registry's own certificate.
struct ProxyStanza: Equatable {
    /// The haproxy service name: the application's name.
    var serviceName: String
    /// The port haproxy listens on and the registries serve on.
    var port: Int
    /// Whether the registry serves https (TLS pass-through).
    var tlsPassThrough: Bool
    /// The servers, primary first.
    var servers: [Server]

    /// One registry unit as haproxy sees it.
    struct Server: Equatable {
        /// `docker-registry-0`.
        var name: String
        /// The unit's address.
        var address: String
        /// The unit's registry port.
        var port: Int
        /// Health-check and limit options, with `backup` for all but the first.
        var options: String
    }

    /// The template under `templates/`.
    static let templateName = "haproxy-services.yaml"

    /// The reactive charm's server options.
    static let serverOptions = "check inter 2000 rise 2 fall 5 maxconn 4096"

    /// The stanza for `members` (already in unit order).
    init(application: String, port: Int, tlsPassThrough: Bool, members: [PeerMembers.Member]) {
        serviceName = application
        self.port = port
        self.tlsPassThrough = tlsPassThrough
        servers = members.enumerated().map { index, member in
            Server(
                name: member.unit.replacing("/", with: "-"),
                address: member.address,
                port: port,
                options: index == 0 ? Self.serverOptions : Self.serverOptions + " backup"
            )
        }
    }

    /// haproxy's service options: an HTTP check in http mode; plain TCP (with a TCP connect check) for pass-through.
    var serviceOptions: [String] {
        tlsPassThrough
            ? ["mode tcp", "balance leastconn"]
            : ["mode http", "balance leastconn", "option httpchk GET / HTTP/1.0"]
    }

    /// The `services` value: the template with every value serialised as JSON (which YAML reads), so no value can
    /// change the document's structure.
    func rendered(with template: Template) throws(TemplateError) -> String {
        let servers: [[ServerField]] = servers.map {
            [.text($0.name), .text($0.address), .number($0.port), .text($0.options)]
        }
        return try template.render([
            "service_name": JSONText.encode(serviceName),
            "service_host": JSONText.encode("0.0.0.0"),
            "service_port": JSONText.encode(port),
            "service_options": JSONText.encode(serviceOptions),
            "servers": JSONText.encode(servers),
        ])
    }

    /// A field of a server line: haproxy's list mixes text and the port number.
    enum ServerField: Encodable, Equatable {
        case text(String)
        case number(Int)

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }
}
