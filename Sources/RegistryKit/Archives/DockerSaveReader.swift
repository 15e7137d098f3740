import FoundationEssentials
import SystemLibraries

/// Reads the `docker save` format of docker before 25 (Debian 12's 20.10): `manifest.json` lists each image's
/// config file, tags and uncompressed `<id>/layer.tar` files, and an OCI image manifest is made for each.
///
/// The made manifest names the config (`application/vnd.oci.image.config.v1+json`) and the layers
/// (`application/vnd.oci.image.layer.v1.tar`) by the SHA-256 of their files, so every file is hashed once when the
/// archive is opened. It is encoded from a `Codable` value with sorted keys, so its digest is the same on every run.
enum DockerSaveReader {
    /// Whether `contents` is a docker save.
    static func recognises(_ contents: any ArchiveContents) throws(MirrorError) -> Bool {
        try contents.contains("manifest.json")
    }

    /// The catalogue of the docker save in `contents`.
    static func catalogue(_ contents: any ArchiveContents) throws(MirrorError) -> ArchiveCatalogue {
        let listing = try contents.bytes(of: "manifest.json", limit: OCILayoutReader.indexLimit)
        let images: [Image]
        do {
            images = try JSONDecoder().decode([Image].self, from: Data(listing))
        } catch {
            throw .archive(
                path: contents.path,
                reason: "manifest.json is not a docker save's list of Config, RepoTags and Layers"
            )
        }
        var catalogue = ArchiveCatalogue(entries: [], hasBlobsDirectory: false)
        var hashed: [String: Descriptor] = [:]
        func describe(_ name: String, _ mediaType: String) throws(MirrorError) -> Descriptor {
            if let known = hashed[name] {
                return Descriptor(mediaType: mediaType, digest: known.digest, size: known.size)
            }
            let (digest, size) = try contents.digest(of: name)
            let descriptor = Descriptor(mediaType: mediaType, digest: digest, size: size)
            hashed[name] = descriptor
            catalogue.blobFiles[digest] = name
            return descriptor
        }
        for image in images {
            var layers: [Descriptor] = []
            for layer in image.layers { layers.append(try describe(layer, MediaTypes.ociLayer)) }
            let manifest = MadeManifest(config: try describe(image.config, MediaTypes.ociConfig), layers: layers)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let bytes = try? Array(encoder.encode(manifest)) else {
                throw .archive(path: contents.path, reason: "the manifest of \(image.config) cannot be encoded")
            }
            let digest = "sha256:" + SHA256.hex(bytes)
            catalogue.madeManifests[digest] = bytes
            catalogue.entries.append(
                ArchiveCatalogue.Entry(
                    descriptor: Descriptor(mediaType: MediaTypes.ociManifest, digest: digest, size: bytes.count),
                    repoTags: image.repoTags ?? []
                )
            )
        }
        return catalogue
    }

    /// One image of `manifest.json`.
    private struct Image: Decodable {
        var config: String
        var repoTags: [String]?
        var layers: [String]

        enum CodingKeys: String, CodingKey {
            case config = "Config"
            case repoTags = "RepoTags"
            case layers = "Layers"
        }
    }

    /// The OCI image manifest made for a docker save's image.
    private struct MadeManifest: Encodable {
        var schemaVersion = 2
        var mediaType = MediaTypes.ociManifest
        var config: Descriptor
        var layers: [Descriptor]
    }
}
