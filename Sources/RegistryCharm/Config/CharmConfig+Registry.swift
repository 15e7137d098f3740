import RegistryKit

/// Readers for the registry's own options: container, HTTP, auth, cache and TLS.
extension CharmConfig {
    struct ContainerSettings {
        var image: String
        var name: String
        var port: Int
        var debugPort: Int
    }

    static func readContainer(_ reader: inout ConfigReader) -> ContainerSettings {
        var image = reader.string("registry-image").trimmingWhitespace
        do {
            _ = try ImageReference.parse(image)
        } catch {
            if !reader.hasProblem("registry-image") {
                reader.report(
                    "registry-image",
                    "is not a valid image reference (\(error)): set e.g. registry:2 or host:5000/registry:2"
                )
            }
            image = "registry:2"
        }
        var name = reader.string("registry-name").trimmingWhitespace
        if !ContainerName.isValid(name) {
            if !reader.hasProblem("registry-name") {
                reader.report(
                    "registry-name",
                    "must be a docker container name: at least 2 of letters, digits, '_', '.' and '-', "
                        + "starting with a letter or digit"
                )
            }
            name = "registry"
        }
        let registryPort = port(&reader, "registry-port")
        let debugPort = port(&reader, "debug-port")
        if registryPort == debugPort, !reader.hasProblem("registry-port"), !reader.hasProblem("debug-port") {
            reader.report(
                "debug-port",
                "must differ from registry-port (both are \(registryPort)): choose another port"
            )
        }
        return ContainerSettings(image: image, name: name, port: registryPort, debugPort: debugPort)
    }

    /// `pull-port`, checked against the other ports only when the pull listener runs (so that a unit that never
    /// uses it keeps any `registry-port`).
    static func readPullPort(_ reader: inout ConfigReader, auth: RegistryAuth, registryPort: Int, debugPort: Int)
        -> Int
    {
        let pullPort = port(&reader, "pull-port")
        guard case .accounts(let accounts) = auth, accounts.needsPullListener, !reader.hasProblem("pull-port") else {
            return pullPort
        }
        if pullPort == registryPort || pullPort == debugPort {
            let other = pullPort == registryPort ? "registry-port" : "debug-port"
            reader.report("pull-port", "must differ from \(other) (both are \(pullPort)): choose another port")
        }
        return pullPort
    }

    static func readHTTPHost(_ reader: inout ConfigReader) -> ParsedURL? {
        guard let url = url(&reader, "http-host", allowCredentials: false) else { return nil }
        guard url.path.isEmpty || url.path.hasSuffix("/") else {
            reader.report("http-host", "must end its path with '/', e.g. https://example.com/docker-registry/")
            return nil
        }
        return url
    }

    static func readLogLevel(_ reader: inout ConfigReader) -> LogLevel {
        oneOf(&reader, "log-level", fallback: .info, caseInsensitive: true)
    }

    static func readAuth(_ reader: inout ConfigReader) -> RegistryAuth {
        let user = reader.string("auth-basic-user").trimmingWhitespace
        let password = reader.string("auth-basic-password")
        if !password.isEmpty {
            if user.isEmpty {
                reader.report("auth-basic-user", "is required when auth-basic-password is set: set a user name")
            } else if user.contains(where: { $0 == ":" || $0.isWhitespace || $0.isNewline }) {
                reader.report("auth-basic-user", "must not contain ':' or white space: choose another user name")
            }
            if password.utf8.count > 72 {
                reader.report(
                    "auth-basic-password",
                    "is longer than 72 bytes, which bcrypt ignores: set a shorter password"
                )
            }
        }
        let tokenOptions = ["auth-token-issuer", "auth-token-realm", "auth-token-root-certs", "auth-token-service"]
        let tokenValues = tokenOptions.map { reader.trimmed($0) }
        let certs = pem(&reader, "auth-token-root-certs", .certificates)
        let tokenRequested = tokenValues.contains { $0 != nil }
        if tokenRequested {
            for (option, value) in zip(tokenOptions, tokenValues) where value == nil {
                reader.report(
                    option,
                    "is required when another auth-token-* option is set: set all four auth-token-* or none"
                )
            }
            if let realm = tokenValues[1], !isHTTPURL(realm) {
                reader.report(
                    "auth-token-realm",
                    "must be the token service's http(s) url, e.g. https://auth.example.com/token"
                )
            }
        }
        let basicRequested = !password.isEmpty
        if basicRequested && tokenRequested {
            reader.report(
                "auth-basic-password",
                "basic and token auth cannot both be on: clear auth-basic-password or the auth-token-* options"
            )
        }
        let anonymousPull = reader.bool("auth-anonymous-pull")
        let accountsContent = reader.secret(.authAccounts)
        if tokenRequested, accountsContent != nil || anonymousPull {
            let option = accountsContent != nil ? "auth-accounts" : "auth-anonymous-pull"
            reader.report(option, "cannot be combined with token auth: clear \(option) or the auth-token-* options")
        }
        if let accountsContent {
            if basicRequested {
                reader.notice("auth-accounts wins over auth-basic-user and auth-basic-password, which are ignored")
            }
            do {
                return .accounts(try RegistryAccounts.parse(accountsContent, anonymousPull: anonymousPull))
            } catch {
                reader.report("auth-accounts", "cannot be used: \(error): update the secret")
                return .none
            }
        }
        if basicRequested, !user.isEmpty {
            guard anonymousPull else { return .basic(user: user, password: password) }
            let account = RegistryAccount(user: user, credential: .password(password))
            return .accounts(RegistryAccounts(push: [account], pull: [], anonymousPull: true))
        }
        if let issuer = tokenValues[0], let realm = tokenValues[1], let service = tokenValues[3], let certs {
            return .token(issuer: issuer, realm: realm, service: service, rootCertsPEM: certs)
        }
        return .none
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = try? ParsedURL.parse(text) else { return false }
        return url.scheme == "http" || url.scheme == "https"
    }

    static func readCache(_ reader: inout ConfigReader) -> PullThroughCache? {
        let username = reader.trimmed("cache-username")
        let password = reader.string("cache-password")
        guard let remote = url(&reader, "cache-remoteurl") else { return nil }
        return PullThroughCache(remoteURL: remote, username: username, password: password.isEmpty ? nil : password)
    }

    static func readTLS(_ reader: inout ConfigReader) -> TLSOptions {
        let ca = pem(&reader, "tls-ca-blob", .certificates)
        let certificate = pem(&reader, "tls-cert-blob", .certificates)
        let key = pem(&reader, "tls-key-blob", .privateKey)
        let certificateSet = reader.trimmed("tls-cert-blob") != nil
        let keySet = reader.trimmed("tls-key-blob") != nil
        if certificateSet != keySet {
            let (missing, present) =
                certificateSet ? ("tls-key-blob", "tls-cert-blob") : ("tls-cert-blob", "tls-key-blob")
            reader.report(missing, "is required when \(present) is set: set both or neither")
        }
        return TLSOptions(
            caPEM: ca,
            certificatePEM: certificate,
            keyPEM: key,
            caPath: absolutePath(&reader, "tls-ca-path"),
            certificatePath: absolutePath(&reader, "tls-cert-path"),
            keyPath: absolutePath(&reader, "tls-key-path")
        )
    }
}
