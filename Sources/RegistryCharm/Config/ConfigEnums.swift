/// `log-level`: the levels distribution's configuration parser accepts (`configuration.go`, `Loglevel`).
///
/// The registry lower-cases the value and refuses anything else, `warning` included.
public enum LogLevel: String, Sendable, Equatable, CaseIterable {
    /// Errors only.
    case error
    /// Warnings and errors.
    case warn
    /// The default.
    case info
    /// Everything.
    case debug
}

/// `storage-cache`: the blob descriptor cache.
public enum StorageCacheMode: String, Sendable, Equatable, CaseIterable {
    /// `storage.cache.blobdescriptor: inmemory`.
    case inmemory
    /// No cache section.
    case disabled
}

/// `docker_runtime`: where the docker engine comes from.
public enum DockerRuntime: String, Sendable, Equatable, CaseIterable {
    /// NVIDIA's packages on a machine with an NVIDIA GPU, Ubuntu's `docker.io` otherwise.
    case auto
    /// Ubuntu's `docker.io`.
    case apt
    /// Docker's own apt repository (`docker-ce`).
    case upstream
    /// NVIDIA's container toolkit with docker.
    case nvidia
    /// `docker_runtime_repo`, `docker_runtime_key_url` and `docker_runtime_package`.
    case custom
}

/// `package_status`: the dpkg selection state of the packages the charm installs.
public enum PackageStatus: String, Sendable, Equatable, CaseIterable {
    /// Normal upgrades.
    case install
    /// `apt-mark hold`.
    case hold
}

/// Lists of accepted values for string options the registry's S3 driver checks.
enum S3Values {
    /// Options that only mean something with the s3 driver: one of them without a region and bucket is half a setup.
    static let groupOptions = [
        "storage-s3-accesskey", "storage-s3-secretkey", "storage-s3-regionendpoint", "storage-s3-keyid",
        "storage-s3-rootdirectory", "storage-s3-useragent",
    ]
    /// Canned ACLs the s3 driver accepts for `objectacl`.
    static let objectACLs = [
        "private", "public-read", "public-read-write", "authenticated-read", "aws-exec-read", "bucket-owner-read",
        "bucket-owner-full-control",
    ]
    /// Storage classes every registry release accepts; 2.8 (`registry:2`) panics on any other, 3.x knows more.
    static let storageClasses = ["STANDARD", "REDUCED_REDUNDANCY", "NONE"]
    /// AWS SDK log levels the s3 driver maps (`getS3LogLevelFromParam`).
    static let logLevels = [
        "off", "debug", "debugwithsigning", "debugwithhttpbody", "debugwithrequestretries", "debugwithrequesterrors",
        "debugwitheventstreambody",
    ]
    /// The smallest chunk the S3 API takes (5 MiB).
    static let minChunkSize = 5 * 1024 * 1024
    /// The largest chunk the S3 API takes (5 GiB).
    static let maxChunkSize = 5 * 1024 * 1024 * 1024
}
