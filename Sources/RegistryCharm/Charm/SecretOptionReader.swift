import JujuKit

/// Reads the secrets the options of `type: secret` name, once per hook that reads the configuration (never in an
/// idle `update-status`, which reads no configuration).
///
/// Each value is registered with the session's mask as it is read, so no log line, status or action result can show
/// it. In `secret-changed` about one of them the secret is read with `--refresh`: the unit moves to the new revision,
/// and the hook applies it.
struct SecretOptionReader {
    let session: RegistrySession

    /// The content of every secret option that is set, or why it could not be read.
    ///
    /// - Throws: ``HookToolError`` when `secret-get` itself fails (not a missing secret or grant, which the
    ///   configuration reports as a problem of the option).
    func read() async throws -> [String: SecretOptionContent] {
        var contents: [String: SecretOptionContent] = [:]
        for option in SecretOption.allCases {
            guard let uri = session.config[option.rawValue]?.stringValue?.trimmingWhitespace, !uri.isEmpty else {
                continue
            }
            do {
                contents[option.rawValue] = .content(try await session.readSecret(uri, refresh: isChanged(uri)))
            } catch {
                switch error {
                case .notGranted:
                    contents[option.rawValue] = .unreadable("is not granted to \(session.context.applicationName)")
                case .notFound:
                    contents[option.rawValue] = .unreadable("cannot be found or is not granted")
                case .tool(let failure):
                    throw failure
                }
            }
        }
        return contents
    }

    /// Whether this hook is `secret-changed` about the secret `uri` (Juju may give the id with or without the
    /// model's UUID: `secret:<id>` or `secret://<model>/<id>`).
    private func isChanged(_ uri: String) -> Bool {
        guard session.context.event == .secret(.changed), let changed = session.context.secretID else { return false }
        return Self.id(of: changed) == Self.id(of: uri)
    }

    /// The last path element of a secret URI: the secret's id.
    static func id(of uri: String) -> String {
        String(uri.split(separator: "/").last ?? Substring(uri)).replacingPrefix("secret:", with: "")
    }
}

extension String {
    /// The string with `prefix` replaced by `replacement` when it starts with it.
    fileprivate func replacingPrefix(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
