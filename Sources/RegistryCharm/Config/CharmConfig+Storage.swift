import JujuKit

/// Readers for the `storage-swift-*` and `storage-s3-*` options.
extension CharmConfig {
    static func readStorage(_ reader: inout ConfigReader) -> StorageBackend {
        let swift = readSwift(&reader)
        let s3 = readS3(&reader)
        if let swift { return .swift(swift) }
        if let s3 { return .s3(s3) }
        return .filesystem
    }

    static func readSwift(_ reader: inout ConfigReader) -> SwiftStorage? {
        let authURL = url(&reader, "storage-swift-authurl")
        let username = reader.trimmed("storage-swift-username")
        let password = reader.string("storage-swift-password")
        let container = reader.trimmed("storage-swift-container")
        let region = reader.trimmed("storage-swift-region") ?? ""
        let tenant = reader.trimmed("storage-swift-tenant") ?? ""
        let domain = reader.trimmed("storage-swift-domain")
        guard reader.trimmed("storage-swift-authurl") != nil else {
            // Credentials without the URL that selects the driver: half a Swift setup, not filesystem storage.
            let given = [
                "storage-swift-username", "storage-swift-password", "storage-swift-tenant", "storage-swift-domain",
            ]
            .first { !reader.string($0).trimmingWhitespace.isEmpty }
            if let given {
                reader.report("storage-swift-authurl", "is required when \(given) is set: set it or clear \(given)")
            }
            return nil
        }
        let because = "storage-swift-authurl is set"
        let otherwise = "clear storage-swift-authurl"
        require(&reader, "storage-swift-username", username, because: because, otherwise: otherwise)
        require(&reader, "storage-swift-password", password, because: because, otherwise: otherwise)
        require(&reader, "storage-swift-container", container, because: because, otherwise: otherwise)
        let authVersion = authURL.flatMap { SwiftAuthVersion.derive(fromPath: $0.path) }
        if authURL != nil, authVersion == nil {
            reader.report("storage-swift-authurl", SwiftAuthVersion.advice)
        }
        guard let authURL, let authVersion, let username, !password.isEmpty, let container else { return nil }
        return SwiftStorage(
            authURL: authURL.text,
            username: username,
            password: password,
            container: container,
            region: region,
            tenant: tenant,
            domain: domain,
            authVersion: authVersion
        )
    }

    static func readS3(_ reader: inout ConfigReader) -> S3Storage? {
        let region = reader.trimmed("storage-s3-region")
        let bucket = reader.trimmed("storage-s3-bucket")
        var settings = S3Storage(region: region ?? "", bucket: bucket ?? "")
        settings.accessKey = reader.trimmed("storage-s3-accesskey")
        let secretKey = reader.string("storage-s3-secretkey")
        settings.secretKey = secretKey.isEmpty ? nil : secretKey
        settings.regionEndpoint = url(&reader, "storage-s3-regionendpoint")?.text
        settings.keyID = reader.trimmed("storage-s3-keyid")
        settings.rootDirectory = reader.trimmed("storage-s3-rootdirectory")
        settings.userAgent = reader.trimmed("storage-s3-useragent")
        settings.forcePathStyle = reader.bool("storage-s3-forcepathstyle")
        settings.encrypt = reader.bool("storage-s3-encrypt")
        settings.secure = reader.bool("storage-s3-secure")
        settings.skipVerify = reader.bool("storage-s3-skip-verify")
        settings.signatureV4 = reader.bool("storage-s3-skip-v4-auth")
        settings.useDualStack = reader.bool("storage-s3-usedualstack")
        settings.accelerate = reader.bool("storage-s3-accelerate")
        let minChunk = S3Values.minChunkSize
        let maxChunk = S3Values.maxChunkSize
        settings.chunkSize = size(&reader, "storage-s3-chunksize", minChunk...maxChunk)
        settings.multipartCopyChunkSize = size(&reader, "storage-s3-multipartcopychunksize", minChunk...maxChunk)
        settings.multipartCopyMaxConcurrency = size(&reader, "storage-s3-multipartcopymaxconcurrency", 1...Int.max)
        settings.multipartCopyThresholdSize = size(&reader, "storage-s3-multipartcopythresholdsize", 0...maxChunk)
        settings.storageClass = listed(&reader, "storage-s3-storageclass", S3Values.storageClasses, fold: .upper)
        settings.objectACL = listed(&reader, "storage-s3-objectacl", S3Values.objectACLs, fold: .none)
        settings.logLevel = listed(&reader, "storage-s3-loglevel", S3Values.logLevels, fold: .lower)
        if (settings.accessKey == nil) != (settings.secretKey == nil), !reader.hasProblem("storage-s3-accesskey") {
            let (missing, given) =
                settings.accessKey == nil
                ? ("storage-s3-accesskey", "storage-s3-secretkey") : ("storage-s3-secretkey", "storage-s3-accesskey")
            reader.report(missing, "is required when \(given) is set: set both or neither (an instance role)")
        }
        if region == nil, bucket == nil {
            let given = S3Values.groupOptions.first { !reader.string($0).trimmingWhitespace.isEmpty }
            if let given {
                let otherwise = "set it or clear \(given)"
                reader.report("storage-s3-region", "is required when \(given) is set: \(otherwise)")
                reader.report("storage-s3-bucket", "is required when \(given) is set: \(otherwise)")
            }
            return nil
        }
        guard !reader.hasProblem("storage-s3-accesskey"), !reader.hasProblem("storage-s3-secretkey") else {
            return nil
        }
        switch (region, bucket) {
        case (.some, .some): return settings
        case (.some, .none):
            reader.report("storage-s3-bucket", "is required when storage-s3-region is set: set both or neither")
        case (.none, .some):
            reader.report("storage-s3-region", "is required when storage-s3-bucket is set: set both or neither")
        case (.none, .none): break
        }
        return nil
    }

    private static func size(_ reader: inout ConfigReader, _ option: String, _ range: ClosedRange<Int>) -> Int {
        let value = reader.int(option)
        guard range.contains(value) else {
            if !reader.hasProblem(option) {
                let upper = range.upperBound == Int.max ? "" : " and at most \(range.upperBound)"
                reader.report(option, "must be at least \(range.lowerBound)\(upper)")
            }
            return CharmOptions.spec(option)?.defaultValue.intValue ?? range.lowerBound
        }
        return value
    }

    enum CaseFold { case none, upper, lower }

    private static func listed(
        _ reader: inout ConfigReader,
        _ option: String,
        _ accepted: [String],
        fold: CaseFold
    ) -> String {
        let text = reader.string(option).trimmingWhitespace
        let folded: String
        switch fold {
        case .none: folded = text
        case .upper: folded = text.uppercased()
        case .lower: folded = text.lowercased()
        }
        guard accepted.contains(folded) else {
            if !reader.hasProblem(option) {
                reader.report(option, "must be one of \(accepted.joined(separator: ", "))")
            }
            return CharmOptions.spec(option)?.defaultValue.stringValue ?? ""
        }
        return folded
    }
}
