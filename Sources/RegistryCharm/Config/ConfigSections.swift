/// How clients authenticate to the registry.
public enum RegistryAuth: Sendable, Equatable {
    /// Anyone may pull and push.
    case none
    /// htpasswd (bcrypt) with one user.
    case basic(user: String, password: String)
    /// Bearer tokens from an external token service.
    case token(issuer: String, realm: String, service: String, rootCertsPEM: [UInt8])
    /// Push and pull-only accounts (`auth-accounts`, or the `auth-basic-*` account with `auth-anonymous-pull`).
    case accounts(RegistryAccounts)

    /// Whether these are push and pull-only accounts (their htpasswd files, the pull listener).
    public var usesAccounts: Bool {
        if case .accounts = self { return true }
        return false
    }

    /// The user and password the charm's own actions use on the registry, when it needs and has one.
    public var actionCredentials: (user: String, password: String)? {
        switch self {
        case .basic(let user, let password): return (user, password)
        case .accounts(let accounts):
            guard let account = accounts.actionAccount, let password = account.password else { return nil }
            return (account.user, password)
        case .none, .token: return nil
        }
    }
}

/// The registry as a pull-through cache of another registry (`cache-*`).
public struct PullThroughCache: Sendable, Equatable {
    /// The upstream registry, `cache-remoteurl`.
    public var remoteURL: ParsedURL
    /// `cache-username`, if set.
    public var username: String?
    /// `cache-password`, if set.
    public var password: String?

    /// Creates a cache setting.
    public init(remoteURL: ParsedURL, username: String? = nil, password: String? = nil) {
        self.remoteURL = remoteURL
        self.username = username
        self.password = password
    }
}

/// The TLS options: blobs decoded to PEM, and the host paths they are written to.
public struct TLSOptions: Sendable, Equatable {
    /// `tls-ca-blob`, decoded; its presence makes the registry require client certificates.
    public var caPEM: [UInt8]?
    /// `tls-cert-blob`, decoded.
    public var certificatePEM: [UInt8]?
    /// `tls-key-blob`, decoded (secret).
    public var keyPEM: [UInt8]?
    /// `tls-ca-path`, where the CA is written on the host.
    public var caPath: String
    /// `tls-cert-path`, where the certificate is written on the host.
    public var certificatePath: String
    /// `tls-key-path`, where the key is written on the host (0600).
    public var keyPath: String

    /// Whether the certificate and key come from config (both blobs are set).
    public var hasCertificateAndKey: Bool { certificatePEM != nil && keyPEM != nil }

    /// Creates TLS options.
    public init(
        caPEM: [UInt8]? = nil,
        certificatePEM: [UInt8]? = nil,
        keyPEM: [UInt8]? = nil,
        caPath: String = "/etc/docker/registry/ca.crt",
        certificatePath: String = "/etc/docker/registry/registry.crt",
        keyPath: String = "/etc/docker/registry/registry.key"
    ) {
        self.caPEM = caPEM
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.caPath = caPath
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }
}

/// Where the registry keeps images: exactly one driver, chosen by priority swift > s3 > filesystem.
public enum StorageBackend: Sendable, Equatable {
    /// The local filesystem (`/srv/registry` on the host).
    case filesystem
    /// OpenStack Swift, selected by `storage-swift-authurl`.
    case swift(SwiftStorage)
    /// Amazon S3 or a compatible service, selected by `storage-s3-region` and `storage-s3-bucket`.
    case s3(S3Storage)
}

/// The `storage-swift-*` options.
public struct SwiftStorage: Sendable, Equatable {
    /// Keystone's URL.
    public var authURL: String
    /// The user name.
    public var username: String
    /// The password (secret).
    public var password: String
    /// The container holding the images.
    public var container: String
    /// The region ("" for none).
    public var region: String
    /// The tenant ("" for none).
    public var tenant: String
    /// The Identity v3 domain, if set.
    public var domain: String?
    /// The auth version, derived from the URL (``SwiftAuthVersion``).
    public var authVersion: Int?

    /// Creates swift settings.
    public init(
        authURL: String,
        username: String,
        password: String,
        container: String,
        region: String = "",
        tenant: String = "",
        domain: String? = nil,
        authVersion: Int? = nil
    ) {
        self.authVersion = authVersion
        self.authURL = authURL
        self.username = username
        self.password = password
        self.container = container
        self.region = region
        self.tenant = tenant
        self.domain = domain
    }
}

/// The `storage-s3-*` options.
public struct S3Storage: Sendable, Equatable {
    /// The AWS region.
    public var region: String
    /// The bucket.
    public var bucket: String
    /// The access key, if set (secret).
    public var accessKey: String?
    /// The secret key, if set (secret).
    public var secretKey: String?
    /// An S3-compatible endpoint, if set.
    public var regionEndpoint: String?
    /// The KMS key id, if set.
    public var keyID: String?
    /// A prefix inside the bucket, if set.
    public var rootDirectory: String?
    /// The User-Agent for S3 calls, if set.
    public var userAgent: String?
    /// Path-style addressing.
    public var forcePathStyle = false
    /// Server-side encryption.
    public var encrypt = false
    /// HTTPS to the endpoint.
    public var secure = true
    /// `storage-s3-skip-verify`: skip TLS verification of the endpoint.
    public var skipVerify = false
    /// `storage-s3-skip-v4-auth`, read as the reactive charm's description of it says ("whether the registry uses
    /// Version 4 of AWS's authentication"), not as its name: `true`, the default, signs with Signature V4.
    ///
    /// The reactive charm never read the option and always signed with V4, so every deployment refreshed to this
    /// charm with its config as it was keeps V4 on every endpoint (Ceph RGW, MinIO, Amazon); `false` opts out.
    public var signatureV4 = true
    /// Dual-stack endpoints.
    public var useDualStack = false
    /// Transfer acceleration.
    public var accelerate = false
    /// Multipart upload chunk size in bytes.
    public var chunkSize = 10_485_760
    /// Multipart copy chunk size in bytes.
    public var multipartCopyChunkSize = 33_554_432
    /// Concurrent multipart copy parts.
    public var multipartCopyMaxConcurrency = 100
    /// Objects above this size are copied in parts.
    public var multipartCopyThresholdSize = 33_554_432
    /// The storage class, upper-case.
    public var storageClass = "STANDARD"
    /// The canned object ACL.
    public var objectACL = "private"
    /// The AWS SDK log level, lower-case.
    public var logLevel = "off"

    /// Whether the endpoint is Amazon S3 itself, where only v4 signatures are accepted.
    public var isAmazonEndpoint: Bool {
        guard let regionEndpoint else { return true }
        return regionEndpoint.contains("amazonaws.com")
    }

    /// The `v4auth` the driver gets: `signatureV4`, and always on Amazon S3, where v4 is the only choice the driver
    /// accepts.
    public var v4Auth: Bool { isAmazonEndpoint || signatureV4 }

    /// Creates S3 settings with the options' defaults.
    public init(region: String, bucket: String) {
        self.region = region
        self.bucket = bucket
    }
}
