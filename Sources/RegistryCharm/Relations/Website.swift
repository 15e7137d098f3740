import JujuKit
import Logging

/// The `website` relation (http, provides) to a reverse proxy such as haproxy.
///
/// The leader publishes the whole service (`services`, plus `port` and `hostname`) on every website relation; the
/// other units publish nothing and, once, delete what old revisions left (`all_services`, LP#1828532). A proxy
/// related later gets the stanza at once: what was sent is tracked per relation.
struct Website {
    let session: RegistrySession
    let charmDirectory: String
    let files: any FileSystem

    /// Publishes the stanza for every unit of the application (leader) or scrubs stale keys (followers), where it
    /// changed.
    func publish(port: Int, tlsPassThrough: Bool) async throws {
        let relations = try await session.relations.ids(WebsiteProxy.endpoint)
        let publisher = RelationPublisher(session: session)
        defer { publisher.forgetRelations(except: relations, topic: WebsiteProxy.endpoint) }
        guard !relations.isEmpty else { return }
        var values: [String: String?] = ["all_services": nil, "services": nil, "port": nil, "hostname": nil]
        let leader = try await session.isLeader()
        let members = leader ? try await PeerMembers.read(session) : PeerMembers(members: [])
        if leader {
            let stanza = ProxyStanza(
                application: session.context.applicationName,
                port: port,
                tlsPassThrough: tlsPassThrough,
                members: members.members
            )
            let template = try Template.load(ProxyStanza.templateName, charmDirectory: charmDirectory, files: files)
            values["services"] = try stanza.rendered(with: template)
            values["port"] = String(port)
            values["hostname"] = try await UnitAddresses.of(session).privateAddress
        }
        for relation in relations
        where try await publisher.publish(values, on: relation, topic: WebsiteProxy.endpoint) {
            let servers = members.members.map(\.unit).joined(separator: ", ")
            session.logger.info(
                !leader
                    ? "cleared the proxy data on \(relation) (only the leader publishes it)"
                    : "sent the proxy service to \(relation): \(servers), \(tlsPassThrough ? "TLS pass-through" : "http")"
            )
        }
    }
}
