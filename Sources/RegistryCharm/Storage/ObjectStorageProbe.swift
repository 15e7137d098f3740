import FoundationEssentials
import RegistryKit
import SystemLibraries

/// Asks the object store the registry is configured for, before the registry is (re)created, whether it answers,
/// takes the credentials and has the bucket; and whether the registry's repositories there are empty.
///
/// This is what the charm knows instead of a registry that exits at start and restarts forever: the s3 driver
/// needs its bucket to exist, the swift driver authenticates at start. Requests are the smallest the APIs offer:
/// S3 `ListObjectsV2` with `max-keys=1` (path-style, signed with Signature V4 when keys are set), Swift v1 auth
/// then a listing of one name. Keystone v2/v3 need a JSON body this client does not send, so for them only the
/// endpoint's answer is checked; the registry's own start-up check does the rest.
struct ObjectStorageProbe {
    /// The HTTP client.
    let transport: any RegistryTransport
    /// The current time (for S3 signatures).
    let now: Date
    /// PEM certificates an https endpoint's chain must end in (the system bundle); `nil`: https is not probed.
    let trustedPEM: [UInt8]?

    /// What the probe found.
    enum Finding: Equatable {
        /// The store answers as the registry needs; `empty` says whether it holds no repositories (`nil`: unknown).
        case ready(empty: Bool?)
        /// The registry could not use the store, for this reason (on the option to fix).
        case problem(ConfigProblem)
    }

    /// Where the registry keeps repository names, relative to its root directory.
    static let repositoriesPrefix = "docker/registry/v2/repositories/"

    /// Probes `storage`; filesystem storage is always ready.
    func check(_ storage: StorageBackend) async -> Finding {
        switch storage {
        case .filesystem: return .ready(empty: nil)
        case .s3(let s3): return await check(s3)
        case .swift(let swift): return await check(swift)
        }
    }

    // MARK: - S3

    private func check(_ s3: S3Storage) async -> Finding {
        let scheme = s3.secure ? "https" : "http"
        let endpointOption = s3.regionEndpoint == nil ? "storage-s3-region" : "storage-s3-regionendpoint"
        let url: ParsedURL
        do {
            url = try ParsedURL.parse(s3.regionEndpoint ?? "\(scheme)://s3.\(s3.region).amazonaws.com")
        } catch {
            return .problem(ConfigProblem(option: endpointOption, message: "is not a usable endpoint: \(error)"))
        }
        guard let endpoint = makeEndpoint(url) else { return .ready(empty: nil) }
        var root = s3.rootDirectory ?? ""
        while root.hasSuffix("/") { root.removeLast() }
        while root.hasPrefix("/") { root.removeFirst() }
        let prefix = (root.isEmpty ? "" : root + "/") + Self.repositoriesPrefix
        let base = url.path.hasSuffix("/") ? String(url.path.dropLast()) : url.path
        let path = base + "/" + s3.bucket
        let query = [("list-type", "2"), ("max-keys", "1"), ("prefix", prefix)]
        var headers: [String: String] = [:]
        var signedEndpoint = endpoint
        if let accessKey = s3.accessKey, let secretKey = s3.secretKey {
            var signed = S3Signature(accessKey: accessKey, secretKey: secretKey, region: s3.region).headers(
                method: "GET",
                host: endpoint.hostHeader,
                path: path,
                query: query,
                date: now
            )
            signedEndpoint.authorization = signed.removeValue(forKey: "Authorization")
            headers = signed
        }
        let target =
            S3Signature.encodePath(path) + "?"
            + query.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        let response: RegistryResponse
        do {
            response = try await transport.send(RegistryRequest("GET", target, headers: headers), to: signedEndpoint)
        } catch {
            return .problem(unreachable(endpointOption, url, error))
        }
        let origin = "\(url.scheme)://\(url.hostAndPort)"
        if s3.accessKey == nil {
            // No keys (an instance role): only the endpoint's answer can be checked here.
            return .ready(empty: response.status == 200 ? !Self.text(response).contains("<Contents>") : nil)
        }
        let code = Self.errorCode(response)
        switch (response.status, code) {
        case (200, _):
            return .ready(empty: !Self.text(response).contains("<Contents>"))
        case (404, _):
            return .problem(
                ConfigProblem(
                    option: "storage-s3-bucket",
                    message: "bucket \(s3.bucket) does not exist at \(origin): create it (the charm does not create"
                        + " buckets: a mistyped name would silently start an empty registry)"
                )
            )
        case (403, "InvalidAccessKeyId"):
            return .problem(
                ConfigProblem(
                    option: "storage-s3-accesskey",
                    message: "is not known to \(origin) (InvalidAccessKeyId): set the right access and secret keys"
                )
            )
        case (403, "SignatureDoesNotMatch"):
            return .problem(
                ConfigProblem(
                    option: "storage-s3-secretkey",
                    message: "does not match storage-s3-accesskey at \(origin) (SignatureDoesNotMatch): set the"
                        + " right secret key"
                )
            )
        case (403, _):
            return .problem(
                ConfigProblem(
                    option: "storage-s3-bucket",
                    message: "\(origin) denies these keys access to bucket \(s3.bucket) (\(code ?? "403")): grant"
                        + " them list, read and write access or use other keys"
                )
            )
        case (301, _), (400, "AuthorizationHeaderMalformed"):
            return .problem(
                ConfigProblem(
                    option: "storage-s3-region",
                    message: "\(s3.region) is not the region of bucket \(s3.bucket) at \(origin): set the bucket's"
                        + " region"
                )
            )
        default:
            return .problem(
                ConfigProblem(
                    option: endpointOption,
                    message: "\(origin) answered a bucket listing with status \(response.status)"
                        + (code.map { " (\($0))" } ?? "") + ": check the endpoint and the bucket"
                )
            )
        }
    }

    // MARK: - Swift

    private func check(_ swift: SwiftStorage) async -> Finding {
        let url: ParsedURL
        do {
            url = try ParsedURL.parse(swift.authURL)
        } catch {
            return .problem(ConfigProblem(option: "storage-swift-authurl", message: "is not usable: \(error)"))
        }
        guard let endpoint = makeEndpoint(url) else { return .ready(empty: nil) }
        let isV1 = swift.authVersion == 1
        let headers = isV1 ? ["X-Auth-User": swift.username, "X-Auth-Key": swift.password] : [:]
        let auth: RegistryResponse
        do {
            auth = try await transport.send(
                RegistryRequest("GET", url.path.isEmpty ? "/" : url.path, headers: headers),
                to: endpoint
            )
        } catch {
            return .problem(unreachable("storage-swift-authurl", url, error))
        }
        // Keystone: its answer to a GET says it is there; the credentials are checked by the registry at start.
        guard isV1 else { return .ready(empty: nil) }
        let origin = "\(url.scheme)://\(url.hostAndPort)"
        if auth.status == 401 || auth.status == 403 {
            return .problem(
                ConfigProblem(
                    option: "storage-swift-password",
                    message: "\(origin) refused storage-swift-username and storage-swift-password (status"
                        + " \(auth.status)): set the right user (for radosgw, uid:subuser) and key"
                )
            )
        }
        guard (200..<300).contains(auth.status), let token = auth.headers["x-auth-token"],
            let storageText = auth.headers["x-storage-url"], let storage = try? ParsedURL.parse(storageText),
            let storageEndpoint = makeEndpoint(storage)
        else {
            return .problem(
                ConfigProblem(
                    option: "storage-swift-authurl",
                    message: "\(origin) answered v1 authentication with status \(auth.status) and no storage url or"
                        + " token: check that it is a Swift auth url"
                )
            )
        }
        let target =
            S3Signature.encodePath(storage.path + "/" + swift.container) + "?format=plain&limit=1&prefix="
            + PercentEncoding.encode("files/" + Self.repositoriesPrefix)
        let listing: RegistryResponse
        do {
            listing = try await transport.send(
                RegistryRequest("GET", target, headers: ["X-Auth-Token": token]),
                to: storageEndpoint
            )
        } catch {
            return .problem(unreachable("storage-swift-authurl", storage, error))
        }
        switch listing.status {
        case 200, 204: return .ready(empty: Self.text(listing).trimmingWhitespace.isEmpty)
        // The swift driver creates its container at start.
        case 404: return .ready(empty: true)
        default:
            return .problem(
                ConfigProblem(
                    option: "storage-swift-container",
                    message: "\(storage.scheme)://\(storage.hostAndPort) answered a listing of container"
                        + " \(swift.container) with status \(listing.status): check the user's access to it"
                )
            )
        }
    }

    // MARK: - Helpers

    /// The transport's endpoint for `url`; `nil` for https without a trust bundle (then nothing is probed).
    private func makeEndpoint(_ url: ParsedURL) -> RegistryEndpoint? {
        let https = url.scheme == "https"
        if https, trustedPEM == nil { return nil }
        return RegistryEndpoint(
            host: url.hostname,
            port: url.port ?? (https ? 443 : 80),
            tls: https ? RegistryEndpoint.TLS(trustedPEM: trustedPEM ?? [], verifiesHostName: true) : nil
        )
    }

    private func unreachable(_ option: String, _ url: ParsedURL, _ error: any Error) -> ConfigProblem {
        var reason = "\(error)"
        if case .transport(_, let text) = error as? RegistryClientError { reason = text }
        return ConfigProblem(
            option: option,
            message: "no answer from \(url.scheme)://\(url.hostAndPort): \(reason); check the url, the network"
                + " and that the service runs"
        )
    }

    private static func text(_ response: RegistryResponse) -> String {
        String(decoding: response.body, as: UTF8.self)
    }

    /// The `<Code>` of an S3 XML error.
    static func errorCode(_ response: RegistryResponse) -> String? {
        let body = text(response)
        guard let start = body.firstRange(of: "<Code>"),
            let end = body[start.upperBound...].firstRange(of: "</Code>")
        else { return nil }
        let code = body[start.upperBound..<end.lowerBound]
        return code.isEmpty || code.count > 64 ? nil : String(code)
    }
}
