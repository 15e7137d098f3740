import FoundationEssentials
import JujuKit
import Logging

/// The registry's `http.secret`: generated once by the leader, then shared with every unit.
///
/// It lives in the application databag of the `peer` relation, written with `relation-set --app --file -`, so the
/// value never appears on a command line (`leader-set` only takes `key=value` arguments). A secret left in leader
/// settings by the reactive charm is adopted (on Juju 3, the last to have leader settings), else (Juju 4) the one in
/// the reactive charm's `config.yml` on the leader, so a refreshed application keeps its secret.
struct HTTPSecret {
    /// The databag key (the same name the reactive charm used in leader settings).
    static let key = "http-secret"

    let session: RegistrySession

    /// The shared secret; the leader creates it when there is none.
    ///
    /// `nil` before the peer relation exists, or on a follower until the leader has shared it.
    func current() async throws -> String? {
        let tools = session.tools
        guard let relation = try await session.relations.ids(PeerMembers.endpoint).first else { return nil }
        let application = session.context.applicationName
        let shared = try await session.relations.bag(relation, application, application: true)
        if let secret = shared[Self.key], !secret.isEmpty {
            session.secrets.register(secret)
            return secret
        }
        guard try await session.isLeader() else { return nil }
        // Juju 4 has no leader settings: only a 3.x unit can have one left by the reactive charm. Without it, the
        // http.secret of the reactive charm's own config.yml (found by ReactiveAdoption) is the same value.
        let settings = session.context.hasLeaderSettings ? try await tools.leaderGet() : [:]
        let fromSettings = settings[Self.key].flatMap { $0.isEmpty ? nil : $0 }
        let fromFile = session.state.adoptedHTTPSecret
        let adopted = fromSettings ?? fromFile
        let secret = adopted ?? Self.generate()
        session.secrets.register(secret)
        try await RelationPublisher(session: session).publish(
            [Self.key: secret],
            on: relation,
            application: true,
            topic: "peer.http-secret"
        )
        let source =
            fromSettings != nil
            ? "adopted the http secret from leader settings"
            : fromFile != nil
                ? "adopted the http secret from the reactive charm's config.yml"
                : "generated the registry http secret"
        session.logger.info("\(source)")
        return secret
    }

    /// Base64 of 32 random bytes (44 characters), like the reactive charm's.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
    }
}
