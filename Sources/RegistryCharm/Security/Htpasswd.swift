import JujuKit
import SystemLibraries

/// The registry's htpasswd file: one `user:bcrypt-hash` line per user (the registry accepts bcrypt only).
///
/// bcrypt salts every hash afresh, so writing the same credentials twice gives a different file, and a different file
/// re-creates the registry container. ``content(user:password:reusing:)`` therefore keeps an existing file whose line
/// still verifies.
public enum Htpasswd {
    /// The bcrypt cost the charm uses (2^10 rounds, about 100 ms on one core in a release build).
    public static let defaultCost = 10
    /// bcrypt reads at most 72 bytes of a password; longer ones are refused rather than silently cut.
    public static let maximumPasswordBytes = 72

    /// One htpasswd line, `user:$2b$<cost>$…` (no newline), made with the system's libxcrypt.
    ///
    /// - Throws: ``HtpasswdError`` when the user or password cannot be written to an htpasswd file, or the cost is
    ///   outside 4…31. The error never holds the password.
    public static func entry(user: String, password: String, cost: Int = defaultCost) throws(HtpasswdError) -> String {
        try validate(user: user, password: password)
        guard (4...31).contains(cost) else { throw .invalidCost(cost) }
        do {
            return "\(user):\(try Bcrypt.hash(password, cost: cost))"
        } catch {
            throw .hashingFailed(error.description)
        }
    }

    /// Whether `content` holds a line for `user` whose bcrypt hash verifies `password`.
    ///
    /// `$2y$` hashes (what Apache's `htpasswd -B` writes, as the reactive charm did) verify as well as `$2b$` ones;
    /// lines with other hash types count as not verifying.
    public static func verify(content: String, user: String, password: String) -> Bool {
        guard (try? validate(user: user, password: password)) != nil else { return false }
        for line in content.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":"), line[..<colon] == user else { continue }
            let hash = line[line.index(after: colon)...].trimmingWhitespace()
            if Bcrypt.verify(password, hash: String(hash)) { return true }
        }
        return false
    }

    /// The htpasswd file for one user, reusing `existing` when it still fits.
    ///
    /// That is `existing` itself when it is exactly one line for `user` that verifies `password`, otherwise a new
    /// file holding a fresh entry. The result ends with a newline.
    public static func content(
        user: String,
        password: String,
        reusing existing: String?,
        cost: Int = defaultCost
    ) throws(HtpasswdError) -> String {
        if let existing {
            let lines = existing.split(whereSeparator: \.isNewline)
            if lines.count == 1, existing.hasSuffix("\n"), verify(content: existing, user: user, password: password) {
                return existing
            }
        }
        return try entry(user: user, password: password, cost: cost) + "\n"
    }

    private static func validate(user: String, password: String) throws(HtpasswdError) {
        guard !user.isEmpty else { throw .emptyUser }
        if user.contains(":") { throw .invalidUser(user, reason: "contains ':'") }
        if user.contains(where: { $0.isNewline }) { throw .invalidUser(user, reason: "contains a line break") }
        if user.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw .invalidUser(user, reason: "contains a control character")
        }
        guard !password.isEmpty else { throw .emptyPassword }
        if password.utf8.contains(0) { throw .passwordContainsNul }
        if password.utf8.count > maximumPasswordBytes { throw .passwordTooLong(bytes: password.utf8.count) }
    }
}

/// Why an htpasswd entry cannot be made.
///
/// No case holds the password.
public enum HtpasswdError: Error, Equatable, CustomStringConvertible {
    /// The user name is empty.
    case emptyUser
    /// The user name cannot appear in an htpasswd file.
    case invalidUser(String, reason: String)
    /// The password is empty.
    case emptyPassword
    /// The password holds a NUL byte, which bcrypt would treat as its end.
    case passwordContainsNul
    /// The password is longer than bcrypt reads (72 bytes).
    case passwordTooLong(bytes: Int)
    /// The bcrypt cost is outside 4…31.
    case invalidCost(Int)
    /// libxcrypt refused to hash (its reason; never the password).
    case hashingFailed(String)

    /// A lower-case sentence naming the problem.
    public var description: String {
        switch self {
        case .emptyUser:
            return "the htpasswd user is empty"
        case .invalidUser(let user, let reason):
            return "the htpasswd user \(String(reflecting: user)) \(reason)"
        case .emptyPassword:
            return "the htpasswd password is empty"
        case .passwordContainsNul:
            return "the htpasswd password contains a NUL character"
        case .passwordTooLong(let bytes):
            return "the htpasswd password is \(bytes) bytes long; bcrypt uses at most 72"
        case .invalidCost(let cost):
            return "bcrypt cost \(cost) is outside 4...31"
        case .hashingFailed(let reason):
            return "cannot hash the htpasswd password: \(reason)"
        }
    }
}
