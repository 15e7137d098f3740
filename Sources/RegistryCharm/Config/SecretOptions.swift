/// What the charm could read of an option of `type: secret` in this hook.
public enum SecretOptionContent: Sendable, Equatable {
    /// The secret's content, key to value.
    case content([String: String])
    /// The secret could not be read: a clause saying why (never content), e.g. `is not granted to docker-registry`.
    case unreadable(String)
}

/// The options of `type: secret`, the keys each secret holds, and the plain options its keys stand in for.
///
/// A credentials secret wins over the plain options it replaces: its values are read as if those options held
/// them, so every check and message of the plain options applies unchanged.
public enum SecretOption: String, CaseIterable, Sendable {
    /// `auth-accounts`: the keys `push` and `pull`, either or both (read by ``RegistryAccounts``).
    case authAccounts = "auth-accounts"
    /// `storage-s3-credentials`: `access-key` and `secret-key`.
    case s3Credentials = "storage-s3-credentials"
    /// `storage-swift-credentials`: `username` and `password`.
    case swiftCredentials = "storage-swift-credentials"
    /// `cache-credentials`: `username` and `password`.
    case cacheCredentials = "cache-credentials"

    /// Each key of the secret and the plain option it replaces; empty for ``authAccounts``.
    var replacedOptions: [(key: String, option: String)] {
        switch self {
        case .authAccounts: return []
        case .s3Credentials: return [("access-key", "storage-s3-accesskey"), ("secret-key", "storage-s3-secretkey")]
        case .swiftCredentials:
            return [("username", "storage-swift-username"), ("password", "storage-swift-password")]
        case .cacheCredentials: return [("username", "cache-username"), ("password", "cache-password")]
        }
    }

    /// The keys the secret may hold.
    var keys: Set<String> {
        self == .authAccounts ? ["push", "pull"] : Set(replacedOptions.map(\.key))
    }

    /// The sentence that says what the secret must hold.
    var shape: String {
        switch self {
        case .authAccounts:
            return "must hold the key push, pull or both, one account a line (user:password or an htpasswd bcrypt line)"
        default:
            let keys = replacedOptions.map(\.key)
            return "must hold the keys \(keys.joined(separator: " and "))"
        }
    }
}

extension ConfigReader {
    /// The content of the secret option `option`, `nil` when the option is unset.
    ///
    /// A secret that could not be read, or holds keys other than the option's, is reported as a problem of the
    /// option (naming the `juju grant-secret` command when it is not granted) and reads as `nil`.
    mutating func secret(_ option: SecretOption) -> [String: String]? {
        let uri = string(option.rawValue).trimmingWhitespace
        guard !uri.isEmpty else { return nil }
        switch secretContents[option.rawValue] {
        case .content(let content):
            let unknown = Set(content.keys).subtracting(option.keys).sorted()
            let missing = option == .authAccounts ? [] : option.keys.subtracting(content.keys).sorted()
            guard unknown.isEmpty, missing.isEmpty, !content.isEmpty else {
                let held = content.keys.sorted().joined(separator: ", ")
                report(option.rawValue, "\(option.shape); secret \(uri) has the keys \(held): update the secret")
                return nil
            }
            return content
        case .unreadable(let reason):
            report(
                option.rawValue,
                "secret \(uri) \(reason): run juju grant-secret \(uri) \(applicationName), or set another secret"
            )
            return nil
        case nil:
            report(option.rawValue, "secret \(uri) was not read in this hook: run juju config again")
            return nil
        }
    }

    /// The plain option values the credentials secrets stand in for, option to value.
    ///
    /// Reports a problem for a secret that cannot be used.
    mutating func secretOverrides() -> [String: String] {
        var overrides: [String: String] = [:]
        for option in SecretOption.allCases where option != .authAccounts {
            guard let content = secret(option) else { continue }
            for (key, plain) in option.replacedOptions {
                if let value = content[key] { overrides[plain] = value }
            }
        }
        return overrides
    }

}
