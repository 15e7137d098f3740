import FoundationEssentials

/// Reads an OCI image layout (a directory, or the same in a tar as `skopeo copy … oci-archive:` and docker ≥ 25's
/// `docker save` write): `oci-layout`, `index.json`, and blobs at `blobs/<algorithm>/<hex>`.
enum OCILayoutReader {
    /// The largest `index.json` read (16 MiB).
    static let indexLimit = 16 << 20

    /// Whether `contents` is an OCI layout.
    static func recognises(_ contents: any ArchiveContents) throws(MirrorError) -> Bool {
        guard try contents.contains("oci-layout") else { return false }
        return try contents.contains("index.json")
    }

    /// The catalogue of the layout in `contents`.
    static func catalogue(_ contents: any ArchiveContents) throws(MirrorError) -> ArchiveCatalogue {
        let marker = try contents.bytes(of: "oci-layout", limit: 1 << 16)
        guard let layout = try? JSONDecoder().decode(Layout.self, from: Data(marker)) else {
            throw .archive(path: contents.path, reason: "oci-layout is not {\"imageLayoutVersion\": …} in JSON")
        }
        guard layout.imageLayoutVersion.hasPrefix("1.") else {
            throw .archive(
                path: contents.path,
                reason: "oci-layout gives version \(layout.imageLayoutVersion), not 1.x"
            )
        }
        let index: ManifestDocument
        do {
            index = try ManifestDocument(
                bytes: try contents.bytes(of: "index.json", limit: indexLimit),
                contentType: nil
            )
        } catch {
            throw .archive(path: contents.path, reason: "index.json: \(error.description)")
        }
        guard index.isIndex else { throw .archive(path: contents.path, reason: "index.json is not an image index") }
        let entries = index.manifests.map { descriptor in
            ArchiveCatalogue.Entry(
                descriptor: descriptor,
                containerdName: descriptor.annotations?["io.containerd.image.name"],
                refName: descriptor.annotations?["org.opencontainers.image.ref.name"]
            )
        }
        return ArchiveCatalogue(entries: entries, hasBlobsDirectory: true)
    }

    private struct Layout: Decodable {
        var imageLayoutVersion: String
    }
}
