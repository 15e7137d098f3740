extension RegistryConfig {
    /// `storage`: one driver plus the delete, maintenance, cache and redirect settings.
    public struct Storage: Encodable, Equatable, Sendable {
        /// The driver and its parameters.
        public var driver: Driver
        /// `delete.enabled: true`, when deleting through the API is allowed.
        public var delete: Enabled?
        /// `maintenance.readonly.enabled: true`, when the registry is read-only.
        public var maintenance: Maintenance?
        /// `cache.blobdescriptor: inmemory`, when the cache is on.
        public var cache: Cache?
        /// `redirect.disable`, always present.
        public var redirect: Redirect

        /// Creates a storage section.
        public init(
            driver: Driver,
            delete: Enabled? = nil,
            maintenance: Maintenance? = nil,
            cache: Cache? = nil,
            redirect: Redirect
        ) {
            self.driver = driver
            self.delete = delete
            self.maintenance = maintenance
            self.cache = cache
            self.redirect = redirect
        }

        /// The section for the charm's storage options.
        public init(config: CharmConfig, inputs: RenderInputs) {
            let driver: Driver
            switch config.storage {
            case .filesystem: driver = .filesystem(rootdirectory: inputs.filesystemRoot)
            case .swift(let swift): driver = .swift(SwiftParameters(swift))
            case .s3(let s3): driver = .s3(S3Parameters(s3, major: inputs.registryMajor))
            }
            self.init(
                driver: driver,
                delete: config.storageDelete ? Enabled(enabled: true) : nil,
                maintenance: config.storageReadOnly ? Maintenance(readonly: Enabled(enabled: true)) : nil,
                cache: config.storageCache == .inmemory ? Cache(blobdescriptor: "inmemory") : nil,
                redirect: Redirect(disable: config.storageRedirectDisable)
            )
        }

        /// A storage driver.
        public enum Driver: Equatable, Sendable {
            /// `filesystem.rootdirectory`.
            case filesystem(rootdirectory: String)
            /// `swift`.
            case swift(SwiftParameters)
            /// `s3`.
            case s3(S3Parameters)
        }

        /// `{enabled: <bool>}`.
        public struct Enabled: Encodable, Equatable, Sendable {
            /// The switch.
            public var enabled: Bool
            /// Creates the switch.
            public init(enabled: Bool) { self.enabled = enabled }
        }

        /// `maintenance`.
        public struct Maintenance: Encodable, Equatable, Sendable {
            /// `readonly`.
            public var readonly: Enabled
            /// Creates a maintenance section.
            public init(readonly: Enabled) { self.readonly = readonly }
        }

        /// `cache`.
        public struct Cache: Encodable, Equatable, Sendable {
            /// `inmemory`.
            public var blobdescriptor: String
            /// Creates a cache section.
            public init(blobdescriptor: String) { self.blobdescriptor = blobdescriptor }
        }

        /// `redirect`.
        public struct Redirect: Encodable, Equatable, Sendable {
            /// `true` to serve blobs through the registry.
            public var disable: Bool
            /// Creates a redirect section.
            public init(disable: Bool) { self.disable = disable }
        }

        private struct DriverKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        private struct Filesystem: Encodable {
            var rootdirectory: String
        }

        /// Encodes the driver under its name beside the shared settings.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DriverKey.self)
            switch driver {
            case .filesystem(let root):
                try container.encode(Filesystem(rootdirectory: root), forKey: DriverKey("filesystem"))
            case .swift(let parameters): try container.encode(parameters, forKey: DriverKey("swift"))
            case .s3(let parameters): try container.encode(parameters, forKey: DriverKey("s3"))
            }
            try container.encodeIfPresent(delete, forKey: DriverKey("delete"))
            try container.encodeIfPresent(maintenance, forKey: DriverKey("maintenance"))
            try container.encodeIfPresent(cache, forKey: DriverKey("cache"))
            try container.encode(redirect, forKey: DriverKey("redirect"))
        }
    }

    /// The swift driver's parameters (`registry/storage/driver/swift`).
    public struct SwiftParameters: Encodable, Equatable, Sendable {
        /// Keystone's URL.
        public var authurl: String
        /// The user.
        public var username: String
        /// The password.
        public var password: String
        /// The container.
        public var container: String
        /// The region ("" for the default).
        public var region: String
        /// The tenant ("" for none).
        public var tenant: String
        /// The Identity v3 domain, if set.
        public var domain: String?
        /// 1, 2 or 3: the driver cannot tell radosgw's `/auth/1.0` apart by itself.
        public var authversion: Int?

        /// The parameters for the charm's `storage-swift-*` options.
        public init(_ swift: SwiftStorage) {
            authurl = swift.authURL
            username = swift.username
            password = swift.password
            container = swift.container
            region = swift.region
            tenant = swift.tenant
            domain = swift.domain
            authversion = swift.authVersion
        }
    }

    /// The s3 driver's parameters (`registry/storage/driver/s3-aws`); numbers are numbers, switches booleans.
    public struct S3Parameters: Encodable, Equatable, Sendable {
        /// The AWS region.
        public var region: String
        /// The bucket.
        public var bucket: String
        /// The access key, if set.
        public var accesskey: String?
        /// The secret key, if set.
        public var secretkey: String?
        /// An S3-compatible endpoint, if set.
        public var regionendpoint: String?
        /// The KMS key id, if set.
        public var keyid: String?
        /// A prefix in the bucket, if set.
        public var rootdirectory: String?
        /// The User-Agent, if set.
        public var useragent: String?
        /// Path-style addressing (v3 only: v2.8 has no such parameter and uses path style whenever
        /// `regionendpoint` is set).
        public var forcepathstyle: Bool?
        /// Server-side encryption.
        public var encrypt: Bool
        /// HTTPS.
        public var secure: Bool
        /// Skip TLS verification.
        public var skipverify: Bool
        /// Sign with AWS signature v4.
        public var v4auth: Bool
        /// Multipart upload chunk size.
        public var chunksize: Int
        /// Multipart copy chunk size.
        public var multipartcopychunksize: Int
        /// Concurrent multipart copy parts.
        public var multipartcopymaxconcurrency: Int
        /// Multipart copy threshold.
        public var multipartcopythresholdsize: Int
        /// The storage class.
        public var storageclass: String
        /// The canned object ACL.
        public var objectacl: String
        /// Dual-stack endpoints (v3 only).
        public var usedualstack: Bool?
        /// Transfer acceleration (v3 only).
        public var accelerate: Bool?
        /// The AWS SDK log level (v3 only).
        public var loglevel: String?

        /// The parameters for the charm's `storage-s3-*` options, as the registry of major version `major` reads
        /// them (distribution's `s3-aws` driver at v2.8.3 and v3.1.1).
        ///
        /// v2.8 always addresses an S3-compatible endpoint (`regionendpoint`) path-style; v3 does so only with
        /// `forcepathstyle: true` and defaults it to false, which sends requests to `<bucket>.<host>` and breaks Ceph
        /// RGW and MinIO. So on v3 path style is rendered on whenever `storage-s3-forcepathstyle` is true or a
        /// `regionendpoint` is set, which keeps what a v2 deployment did. The parameters v2.8 does not read
        /// (`forcepathstyle`, `usedualstack`, `accelerate`, `loglevel`) are left out for v2.
        public init(_ s3: S3Storage, major: Int = 2) {
            region = s3.region
            bucket = s3.bucket
            accesskey = s3.accessKey
            secretkey = s3.secretKey
            regionendpoint = s3.regionEndpoint
            keyid = s3.keyID
            rootdirectory = s3.rootDirectory
            useragent = s3.userAgent
            encrypt = s3.encrypt
            secure = s3.secure
            skipverify = s3.skipVerify
            v4auth = s3.v4Auth
            chunksize = s3.chunkSize
            multipartcopychunksize = s3.multipartCopyChunkSize
            multipartcopymaxconcurrency = s3.multipartCopyMaxConcurrency
            multipartcopythresholdsize = s3.multipartCopyThresholdSize
            storageclass = s3.storageClass
            objectacl = s3.objectACL
            if major >= 3 {
                forcepathstyle = s3.forcePathStyle || s3.regionEndpoint != nil
                usedualstack = s3.useDualStack
                accelerate = s3.accelerate
                loglevel = s3.logLevel
            }
        }
    }
}
