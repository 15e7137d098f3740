public import Foundation
public import RegistryKit
public import SystemLibraries

/// Images made for the tests as an OCI image layout on disk (random layers, real JSON), pushed into a registry with
/// plain HTTP requests (monolithic uploads, manifests by digest then by tag), so their digests are exactly these.
public final class TestLayout {
    /// The layout's directory.
    public let directory: String
    private var entries: [[String: Any]] = []
    private var blobs: [(digest: String, bytes: [UInt8])] = []
    private var manifests: [(digest: String, mediaType: String, bytes: [UInt8])] = []

    /// Creates an empty layout.
    public init() throws {
        directory = try TestFiles.temporaryDirectory("layout")
        try FileManager.default.createDirectory(atPath: "\(directory)/blobs/sha256", withIntermediateDirectories: true)
        try #"{"imageLayoutVersion":"1.0.0"}"#.write(
            toFile: "\(directory)/oci-layout",
            atomically: true,
            encoding: .utf8
        )
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Stores `bytes` as a blob; returns its descriptor.
    @discardableResult
    public func blob(_ bytes: [UInt8], mediaType: String) throws -> [String: Any] {
        let digest = TestFiles.sha256(bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/blobs/sha256/\(digest.dropFirst(7))"))
        if mediaType == MediaTypes.ociManifest || mediaType == MediaTypes.ociIndex {
            manifests.append((digest, mediaType, bytes))
        } else {
            blobs.append((digest, bytes))
        }
        return ["mediaType": mediaType, "digest": digest, "size": bytes.count]
    }

    /// An image manifest with `layers` random layers of `layerSize` bytes; returns its descriptor.
    public func image(
        layers: Int = 2,
        layerSize: Int = 4096,
        architecture: String = "amd64",
        subject: [String: Any]? = nil,
        artifactType: String? = nil,
        layerType: String = "application/vnd.oci.image.layer.v1.tar+gzip"
    ) throws -> [String: Any] {
        var layerDescriptors: [[String: Any]] = []
        for _ in 0..<layers {
            layerDescriptors.append(try blob(Self.randomBytes(layerSize), mediaType: layerType))
        }
        let config: [String: Any] = [
            "architecture": architecture, "os": "linux",
            "rootfs": ["type": "layers", "diff_ids": layerDescriptors.map(Self.digest)],
            "created": "2026-12-01T00:00:00Z",
        ]
        let configDescriptor = try blob(try json(config), mediaType: "application/vnd.oci.image.config.v1+json")
        var manifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaTypes.ociManifest, "config": configDescriptor,
            "layers": layerDescriptors,
        ]
        if let subject { manifest["subject"] = subject }
        if let artifactType { manifest["artifactType"] = artifactType }
        var descriptor = try blob(try json(manifest), mediaType: MediaTypes.ociManifest)
        descriptor["platform"] = ["architecture": architecture, "os": "linux"]
        return descriptor
    }

    /// An index of `manifests`; returns its descriptor.
    public func index(_ manifests: [[String: Any]]) throws -> [String: Any] {
        try blob(
            try json(["schemaVersion": 2, "mediaType": MediaTypes.ociIndex, "manifests": manifests]),
            mediaType: MediaTypes.ociIndex
        )
    }

    /// Names `descriptor` `tag` in the layout's `index.json`.
    public func tag(_ descriptor: [String: Any], _ tag: String) throws {
        var entry = descriptor
        entry.removeValue(forKey: "platform")
        entry["annotations"] = ["org.opencontainers.image.ref.name": tag]
        entries.append(entry)
        try Data(try json(["schemaVersion": 2, "manifests": entries])).write(
            to: URL(fileURLWithPath: "\(directory)/index.json")
        )
    }

    /// Pushes every blob and manifest of the layout to `registry`'s `repository`, then names the descriptor tagged
    /// `tag` `destinationTag` (default: the same tag) there.
    public func push(_ tag: String, to registry: LocalRegistry, as repository: String, destinationTag: String? = nil)
        throws
    {
        let connection = try HTTPConnection()
        var headers: [HTTPHeader] = []
        if let credentials = registry.credentials {
            let encoded = Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
            headers.append(HTTPHeader("Authorization", "Basic \(encoded)"))
        }
        let tls = HTTPTLS(trustedPEM: try registry.tls?.caPEM())
        func send(_ method: String, _ url: String, _ body: [UInt8]?, _ extra: [HTTPHeader] = []) throws -> HTTPResponse
        {
            try connection.perform(
                HTTPRequest(
                    method: method,
                    url: url.hasPrefix("http") ? url : registry.origin + url,
                    headers: headers + extra,
                    body: body,
                    tls: tls
                )
            )
        }
        for blob in blobs {
            let started = try send("POST", "/v2/\(repository)/blobs/uploads/", [])
            guard started.status == 202, let location = started.headers["location"] else {
                throw RegistryTestFailure("upload refused: \(started.status)")
            }
            let done = try send(
                "PUT",
                location + (location.contains("?") ? "&" : "?") + "digest=\(blob.digest)",
                blob.bytes,
                [HTTPHeader("Content-Type", "application/octet-stream")]
            )
            guard done.status == 201 else { throw RegistryTestFailure("blob refused: \(done.status)") }
        }
        for manifest in manifests {
            let stored = try send(
                "PUT",
                "/v2/\(repository)/manifests/\(manifest.digest)",
                manifest.bytes,
                [HTTPHeader("Content-Type", manifest.mediaType)]
            )
            guard stored.status == 201 else {
                throw RegistryTestFailure(
                    "manifest refused: \(stored.status) \(String(decoding: stored.body, as: UTF8.self))"
                )
            }
        }
        guard
            let entry = entries.last(where: {
                ($0["annotations"] as? [String: String])?["org.opencontainers.image.ref.name"] == tag
            }),
            let manifest = manifests.first(where: { $0.digest == entry["digest"] as? String })
        else { throw RegistryTestFailure("no tag \(tag)") }
        let tagged = try send(
            "PUT",
            "/v2/\(repository)/manifests/\(destinationTag ?? tag)",
            manifest.bytes,
            [HTTPHeader("Content-Type", manifest.mediaType)]
        )
        guard tagged.status == 201 else { throw RegistryTestFailure("tag refused: \(tagged.status)") }
    }

    /// The digest a descriptor names.
    public static func digest(_ descriptor: [String: Any]) -> String { descriptor["digest"] as? String ?? "" }

    /// The digests of the descriptors under `key` (`manifests`, `layers`) of a manifest or index's bytes.
    public static func digests(_ key: String, in bytes: [UInt8]) -> [String] {
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
        return (object?[key] as? [[String: Any]] ?? []).map(digest)
    }

    /// `count` random bytes, eight at a time.
    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < count {
                var word = generator.next()
                let length = min(8, count - offset)
                withUnsafeBytes(of: &word) { source in
                    guard let target = buffer.baseAddress, let from = source.baseAddress else { return }
                    target.advanced(by: offset).copyMemory(from: from, byteCount: length)
                }
                offset += length
            }
        }
        return bytes
    }

    private func json(_ value: Any) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
    }
}

extension TestLayout {
    /// An image of two layers with a cosign-style signature tag (`sha256-<hex>.sig`), both pushed to `registry`'s
    /// `repository`, the image as `tag`; returns the image's descriptor.
    public func pushSignedImage(_ tag: String, layerSize: Int, to registry: LocalRegistry, as repository: String)
        throws -> [String: Any]
    {
        let image = try self.image(layers: 2, layerSize: layerSize)
        try self.tag(image, tag)
        try push(tag, to: registry, as: repository)
        let signature = try self.image(
            layers: 1,
            layerSize: 200,
            layerType: "application/vnd.dev.cosign.simplesigning.v1+json"
        )
        let signatureTag = "sha256-\(Self.digest(image).dropFirst(7)).sig"
        try self.tag(signature, signatureTag)
        try push(signatureTag, to: registry, as: repository)
        return image
    }

    /// An index of two platforms (amd64 and arm64, one layer each) pushed to `registry`'s `repository` as `tag`;
    /// returns its descriptor.
    public func pushTwoPlatformIndex(_ tag: String, layerSize: Int, to registry: LocalRegistry, as repository: String)
        throws -> [String: Any]
    {
        let index = try self.index([
            try image(layers: 1, layerSize: layerSize, architecture: "amd64"),
            try image(layers: 1, layerSize: layerSize, architecture: "arm64"),
        ])
        try self.tag(index, tag)
        try push(tag, to: registry, as: repository)
        return index
    }
}
