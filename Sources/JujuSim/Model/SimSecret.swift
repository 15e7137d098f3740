/// A Juju secret in the model: a user secret (owned by the model) or a charm secret (owned by the application or
/// one of its units), with every revision's content and the grants and consumers that read it.
///
/// Content is kept the way Juju keeps it: each value base64-encoded (`key#base64=` values as given).
struct SimSecret: Codable, Sendable {
    /// The 20-character xid (`secret:<id>`).
    var id: String
    /// `model` (user secret), `application` or `unit`.
    var ownerKind: String
    /// The model UUID, the application or the unit name.
    var ownerID: String
    /// The user secret's name, or the owner's label of a charm secret ("" when none).
    var label: String = ""
    /// `--info` / `--description`.
    var description: String = ""
    /// The rotation policy (`""` when never set).
    var rotatePolicy: String = ""
    /// When the owner gets `secret-rotate` next (RFC 3339), if it rotates.
    var nextRotateTime: String?
    /// Whether obsolete revisions are removed without the owner's help (user secrets, `--auto-prune`).
    var autoPrune: Bool = false
    /// Revisions, oldest first.
    var revisions: [SimSecretRevision]
    /// View grants: applications (user secrets) or remote applications/units over a relation (charm secrets).
    var grants: [SimSecretGrant] = []
    /// Units reading the secret as consumers, by unit name.
    var consumers: [String: SimSecretConsumer] = [:]
    /// Obsolete revisions the owner was already told about with `secret-remove`.
    var obsoleteNotified: [Int] = []
    /// Creation time (RFC 3339).
    var created: String
    /// Last change (RFC 3339).
    var updated: String

    /// The newest revision number.
    var latestRevision: Int { revisions.last?.revision ?? 0 }

    /// The content of a revision, if it still exists.
    func content(revision: Int) -> [String: String]? {
        revisions.first { $0.revision == revision }?.content
    }

    /// `secret:<id>`, as `juju add-secret` prints it and hooks get it in `JUJU_SECRET_ID`.
    var shortURI: String { "secret:" + id }

    /// Whether this is a user secret.
    var isUserSecret: Bool { ownerKind == "model" }

    /// The owner as `juju secrets` prints it: `<model>`, the application or the unit.
    var ownerDisplay: String { isUserSecret ? "<model>" : ownerID }
}

/// One revision of a secret.
struct SimSecretRevision: Codable, Sendable {
    /// The revision number (1, 2, …).
    var revision: Int
    /// Keys to base64-encoded values.
    var content: [String: String]
    /// Creation time (RFC 3339).
    var created: String
    /// When the revision expires (RFC 3339), if set.
    var expireTime: String?
    /// Whether the owner was already told it expired.
    var expiredNotified: Bool?
}

/// A view grant.
struct SimSecretGrant: Codable, Sendable, Equatable {
    /// `application-<name>` or `unit-<app>-<n>`.
    var target: String
    /// `model-<uuid>` for user secrets, `relation-<key>` for grants over a relation.
    var scope: String
    /// `view`.
    var role: String = "view"
    /// The relation of a relation-scoped grant (the grant goes with it).
    var relationID: Int?
}

/// A unit reading a secret it does not manage.
struct SimSecretConsumer: Codable, Sendable, Equatable {
    /// The revision `secret-get` returns without `--peek`/`--refresh`.
    var currentRevision: Int
    /// The consumer's label (`secret-get --label`), "" when none.
    var label: String = ""
}
