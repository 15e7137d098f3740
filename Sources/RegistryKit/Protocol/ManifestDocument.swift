import FoundationEssentials
public import SystemLibraries

/// A manifest or index as fetched: its exact bytes (copied as they are, so digests stay equal), its media type, and
/// the descriptors it names.
public struct ManifestDocument: Sendable, Equatable {
    /// The bytes, unchanged.
    public var bytes: [UInt8]
    /// The media type (the `Content-Type` of the answer, else the document's own `mediaType`).
    public var mediaType: String
    /// `sha256:` of the bytes.
    public var digest: String
    /// The manifests an index lists (empty for an image manifest).
    public var manifests: [Descriptor]
    /// The config (if any) and layers of an image manifest, foreign layers included (empty for an index).
    public var blobs: [Descriptor]
    /// The config blob of an image manifest, if it names one.
    public var config: Descriptor?
    /// The manifest this one refers to (a signature's or SBOM's image), if any.
    public var subject: Descriptor?

    /// Whether it is an index or manifest list.
    public var isIndex: Bool { MediaTypes.isIndex(mediaType) }

    /// The descriptor a parent index would list for it.
    public var descriptor: Descriptor { Descriptor(mediaType: mediaType, digest: digest, size: bytes.count) }

    /// Reads `bytes`; `contentType` is the answer's `Content-Type` when there was one.
    public init(bytes: [UInt8], contentType: String?) throws(MirrorError) {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(bytes))
        } catch {
            throw .unreadable(what: "a manifest", reason: "it is not a manifest or index in JSON")
        }
        let declared = contentType.map { String($0.split(separator: ";")[0]).trimmingSpaces() }
        var mediaType = fields.mediaType ?? declared ?? ""
        if mediaType.isEmpty || mediaType == "application/json" || mediaType == "application/octet-stream" {
            mediaType = fields.manifests != nil ? MediaTypes.ociIndex : MediaTypes.ociManifest
        }
        if fields.schemaVersion == 1 {
            throw .unsupported(what: "a schema 1 manifest (deprecated by Docker; convert it first)")
        }
        self.bytes = bytes
        self.mediaType = mediaType
        self.digest = "sha256:" + HexText.lowerCase(SHA256.hash(bytes))
        self.manifests = fields.manifests ?? []
        self.blobs = (fields.config.map { [$0] } ?? []) + (fields.layers ?? []) + (fields.blobs ?? [])
        self.config = fields.config
        self.subject = fields.subject
    }

    private struct Fields: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var config: Descriptor?
        var layers: [Descriptor]?
        var blobs: [Descriptor]?
        var manifests: [Descriptor]?
        var subject: Descriptor?
    }
}

extension String {
    func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
