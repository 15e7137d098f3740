import JujuKit

/// The address a remote unit is reached on, from the keys Juju puts in every unit databag.
enum RelationAddress {
    /// The keys read, in order of preference (Juju 4 drops `private-address`).
    static let keys = ["ingress-address", "private-address"]

    /// The longest address kept: `certs.d/<address>:<port>` must stay a file name (255 bytes) for any port (an
    /// IPv6 address, in brackets there, is far shorter).
    static let maximumLength = 255 - ":65535".utf8.count

    /// `ingress-address`, else `private-address`, trimmed; `nil` when neither is usable (see ``isHostOrAddress(_:)``).
    static func of(_ data: [String: String]) -> String? {
        for key in keys {
            if let value = data[key]?.trimmingWhitespace(), isHostOrAddress(value) { return value }
        }
        return nil
    }

    /// The address a unit gives that is refused, when it gives no usable one: what the status names.
    static func refused(_ data: [String: String]) -> String? {
        guard of(data) == nil else { return nil }
        return keys.lazy.compactMap { data[$0]?.trimmingWhitespace() }.first { !$0.isEmpty }
    }

    /// Notes in `session` (``RefusedRelationData``) the address `unit` on `relation` gives, if it is refused.
    static func noteRefused(_ data: [String: String], session: RegistrySession, relation: String, unit: String) {
        guard let value = refused(data) else { return }
        let key = keys.first { data[$0]?.trimmingWhitespace() == value } ?? keys[0]
        let reason = "not an IP address or a DNS name of at most \(maximumLength) characters"
        RefusedRelationData.note(session, relation: relation, unit: unit, key: key, value: value, reason: reason)
    }

    /// Whether `text` is an IP address or a DNS name (``HostAddress``) short enough to stand in a `certs.d` file name
    /// with its port (at most 249 characters).
    static func isHostOrAddress(_ text: String) -> Bool {
        text.utf8.count <= maximumLength && HostAddress.isValid(text)
    }
}
