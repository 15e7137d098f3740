/// One registry account: a user and its password, or the bcrypt hash an operator gave instead.
public struct RegistryAccount: Sendable, Equatable, Encodable {
    /// How the account proves itself.
    public enum Credential: Sendable, Equatable, Encodable {
        /// A password the charm hashes (and may hand to a related client).
        case password(String)
        /// An htpasswd bcrypt hash (`$2y$…`, `$2b$…`, `$2a$…`), used as it is.
        case bcrypt(String)
    }

    /// The user name.
    public var user: String
    /// The password or hash.
    public var credential: Credential

    /// The password, when the account was given one (not a hash).
    public var password: String? {
        if case .password(let password) = credential { return password }
        return nil
    }
}

/// The accounts of `auth-accounts` (or the `auth-basic-*` account), by kind, and whether anyone may pull.
///
/// distribution's htpasswd has no roles, so the kinds are told apart by listener: the registry on `registry-port`
/// knows only the push accounts; a read-only registry over the same storage on `pull-port` knows the push and pull
/// accounts, or none at all with anonymous pull (see ``PullListener``).
public struct RegistryAccounts: Sendable, Equatable, Encodable {
    /// Accounts that push and pull.
    public var push: [RegistryAccount]
    /// Accounts that only pull.
    public var pull: [RegistryAccount]
    /// `auth-anonymous-pull`: anyone pulls from the pull listener without credentials.
    public var anonymousPull: Bool

    /// Whether the read-only pull listener runs: there are pull-only accounts, or anyone may pull.
    public var needsPullListener: Bool { !pull.isEmpty || anonymousPull }

    /// The accounts the pull listener accepts: push accounts pull too.
    public var pullListenerAccounts: [RegistryAccount] { push + pull }

    /// The account the charm's own actions use on the registry: the first push account with a password.
    public var actionAccount: RegistryAccount? { push.first { $0.password != nil } }

    /// The account related clients pull with: the first pull-only account with a password, else (no pull-only
    /// account) the first push account with one; `nil` with anonymous pull, or when every candidate is a hash.
    public var clientAccount: RegistryAccount? {
        if anonymousPull { return nil }
        if !pull.isEmpty { return pull.first { $0.password != nil } }
        return actionAccount
    }

    /// Every password, for log masking.
    public var passwords: [String] { (push + pull).compactMap(\.password) }
}

/// Why the content of `auth-accounts` cannot be used; names the key, line and user, never a password.
struct AccountsProblem: Error, Equatable, CustomStringConvertible {
    var description: String
}

extension RegistryAccounts {
    /// Reads the secret content of `auth-accounts`: the keys `push` and `pull`, each one account a line
    /// (`user:password` or `user:<bcrypt hash>`); blank lines and lines starting with `#` are skipped.
    ///
    /// - Throws: ``AccountsProblem`` for a malformed line, a user name that cannot be in an htpasswd file, a
    ///   password bcrypt would cut (over 72 bytes), a user given twice, or no account at all.
    static func parse(_ content: [String: String], anonymousPull: Bool) throws(AccountsProblem) -> RegistryAccounts {
        var seen = Set<String>()
        func accounts(_ key: String) throws(AccountsProblem) -> [RegistryAccount] {
            var found: [RegistryAccount] = []
            let lines = (content[key] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            for (index, raw) in lines.enumerated() {
                let line = raw.trimmingWhitespace
                if line.isEmpty || line.hasPrefix("#") { continue }
                let place = "line \(index + 1) of \(key)"
                guard let colon = line.firstIndex(of: ":") else {
                    throw AccountsProblem(description: "\(place) is not user:password or user:<bcrypt hash>")
                }
                let user = String(line[..<colon])
                let secret = String(line[line.index(after: colon)...])
                guard !user.isEmpty, !user.contains(where: { $0.isWhitespace || $0.isNewline || $0.isASCIIControl })
                else {
                    throw AccountsProblem(description: "\(place) has an empty user name or one with white space")
                }
                guard !secret.isEmpty else { throw AccountsProblem(description: "\(place) (\(user)) has no password") }
                guard seen.insert(user).inserted else {
                    throw AccountsProblem(description: "user \(user) is given twice (\(place))")
                }
                if isBcrypt(secret) {
                    found.append(RegistryAccount(user: user, credential: .bcrypt(secret)))
                } else if secret.hasPrefix("$") {
                    throw AccountsProblem(
                        description: "\(place) (\(user)) holds a hash the registry cannot read: only bcrypt"
                            + " ($2y$, $2b$, htpasswd -B) works"
                    )
                } else if secret.utf8.count > Htpasswd.maximumPasswordBytes {
                    throw AccountsProblem(
                        description: "the password of \(user) (\(place)) is over 72 bytes, which bcrypt ignores"
                    )
                } else {
                    found.append(RegistryAccount(user: user, credential: .password(secret)))
                }
            }
            return found
        }
        let push = try accounts("push")
        let pull = try accounts("pull")
        guard !push.isEmpty || !pull.isEmpty else {
            throw AccountsProblem(description: "it holds no account")
        }
        return RegistryAccounts(push: push, pull: pull, anonymousPull: anonymousPull)
    }

    /// Whether `text` is an htpasswd bcrypt hash: `$2a$`, `$2b$` or `$2y$`, a two-digit cost, 53 characters of
    /// bcrypt's base64.
    static func isBcrypt(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
            bytes[4...5].allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        return bytes[7...].allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "/")
        }
    }
}

extension Character {
    /// Whether this is an ASCII control character (below space, or DEL).
    fileprivate var isASCIIControl: Bool {
        guard let scalar = unicodeScalars.first, unicodeScalars.count == 1 else { return false }
        return scalar.value < 0x20 || scalar.value == 0x7f
    }
}
