extension RegistryConfig {
    /// `auth`: exactly one access controller (distribution refuses two).
    public enum Auth: Encodable, Equatable, Sendable {
        /// `auth.htpasswd`.
        case htpasswd(Htpasswd)
        /// `auth.token`.
        case token(Token)

        /// `auth.htpasswd` parameters.
        public struct Htpasswd: Encodable, Equatable, Sendable {
            /// The basic-auth realm: the application's name.
            public var realm: String
            /// The bcrypt htpasswd file.
            public var path: String

            /// Creates htpasswd parameters.
            public init(realm: String, path: String) {
                self.realm = realm
                self.path = path
            }
        }

        /// `auth.token` parameters.
        public struct Token: Encodable, Equatable, Sendable {
            /// Where clients get tokens.
            public var realm: String
            /// The service tokens are issued for.
            public var service: String
            /// The tokens' issuer.
            public var issuer: String
            /// The PEM bundle of the issuer's root certificates.
            public var rootcertbundle: String

            /// Creates token parameters.
            public init(realm: String, service: String, issuer: String, rootcertbundle: String) {
                self.realm = realm
                self.service = service
                self.issuer = issuer
                self.rootcertbundle = rootcertbundle
            }
        }

        /// The section for the charm's auth, or `nil` when auth is off or its file is not in place yet.
        public init?(config: CharmConfig, inputs: RenderInputs) {
            switch config.auth {
            case .none:
                return nil
            case .basic, .accounts:
                guard let path = inputs.htpasswdPath else { return nil }
                self = .htpasswd(Htpasswd(realm: inputs.applicationName, path: path))
            case .token(let issuer, let realm, let service, _):
                guard let path = inputs.tokenRootCertBundlePath else { return nil }
                self = .token(Token(realm: realm, service: service, issuer: issuer, rootcertbundle: path))
            }
        }

        private enum CodingKeys: String, CodingKey {
            case htpasswd, token
        }

        /// Encodes `{htpasswd: {…}}` or `{token: {…}}`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .htpasswd(let parameters): try container.encode(parameters, forKey: .htpasswd)
            case .token(let parameters): try container.encode(parameters, forKey: .token)
            }
        }
    }
}
