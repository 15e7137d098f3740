import FoundationEssentials
import RegistryKit
import SystemLibraries

/// AWS Signature Version 4 for one bodiless S3 request (the charm's probe of a bucket), as S3 and radosgw check it.
struct S3Signature {
    /// The access key id.
    var accessKey: String
    /// The secret key; a secret, only ever an HMAC key.
    var secretKey: String
    /// The region in the credential scope.
    var region: String

    /// SHA-256 of the empty body.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The headers that sign `method` on `path` with `query` (name → value, unencoded) for the `Host` header value
    /// `host` at `date`: `x-amz-date`, `x-amz-content-sha256` and `Authorization`.
    func headers(method: String, host: String, path: String, query: [(String, String)], date: Date) -> [String: String]
    {
        let (amzDate, day) = Self.timestamps(date)
        let encoded: [(name: String, value: String)] = query.map {
            (PercentEncoding.encode($0.0), PercentEncoding.encode($0.1))
        }
        let sorted = encoded.sorted { (lhs, rhs) -> Bool in
            lhs.name == rhs.name ? lhs.value < rhs.value : lhs.name < rhs.name
        }
        let canonicalQuery = sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
        let signedHeaders = "host;x-amz-content-sha256;x-amz-date"
        let canonicalRequest = [
            method,
            Self.encodePath(path),
            canonicalQuery,
            "host:\(host)\nx-amz-content-sha256:\(Self.emptyPayloadHash)\nx-amz-date:\(amzDate)\n",
            signedHeaders,
            Self.emptyPayloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/s3/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", amzDate, scope, SHA256.hex(Array(canonicalRequest.utf8)),
        ]
        .joined(separator: "\n")
        var key = Array("AWS4\(secretKey)".utf8)
        for part in [day, region, "s3", "aws4_request"] {
            key = SHA256.hmac(key: key, message: Array(part.utf8))
        }
        let signature = HexText.lowerCase(SHA256.hmac(key: key, message: Array(stringToSign.utf8)))
        return [
            "x-amz-date": amzDate,
            "x-amz-content-sha256": Self.emptyPayloadHash,
            "Authorization":
                "AWS4-HMAC-SHA256 Credential=\(accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
        ]
    }

    /// `20260102T030405Z` and `20260102`.
    static func timestamps(_ date: Date) -> (String, String) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = UTCTime.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let dayText = pad(year, 4) + pad(month, 2) + pad(day, 2)
        let time = pad(secondOfDay / 3600, 2) + pad(secondOfDay % 3600 / 60, 2) + pad(secondOfDay % 60, 2)
        return (dayText + "T" + time + "Z", dayText)
    }

    /// `path` with each segment percent-encoded and its slashes kept.
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false).map { PercentEncoding.encode(String($0)) }.joined(
            separator: "/"
        )
    }

}
