import Foundation

/// An OCI image layout directory written by hand: random layers (each a small tar), a config naming their
/// diff IDs, a manifest per image and an `index.json` with the annotations given.
struct OCILayoutFixture {
    /// One image written.
    struct Image {
        var manifestDigest: String
        var manifest: [UInt8]
        var config: [UInt8]
        var layers: [[UInt8]]
    }

    let path: String
    private(set) var images: [Image] = []
    private var entries: [[String: Any]] = []

    /// Starts a layout at `path` (the directory is made).
    init(at path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path + "/blobs/sha256", withIntermediateDirectories: true)
        try Fixtures.write(Array(#"{"imageLayoutVersion": "1.0.0"}"#.utf8), to: path + "/oci-layout")
    }

    /// Adds an image with layers of random content of `layerSizes` bytes, listed in `index.json` with
    /// `annotations`.
    @discardableResult
    mutating func addImage(annotations: [String: String], layerSizes: [Int] = [3000, 70_000]) throws -> Image {
        var layers: [[UInt8]] = []
        for size in layerSizes {
            var tar = TarBuilder()
            tar.file("data/random.bin", Fixtures.random(size))
            tar.end()
            layers.append(tar.bytes)
        }
        let config = try Fixtures.json([
            "architecture": "amd64", "os": "linux",
            "rootfs": ["type": "layers", "diff_ids": layers.map(Fixtures.digest)],
        ])
        let manifest = try Fixtures.json([
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": Self.descriptor("application/vnd.oci.image.config.v1+json", config),
            "layers": layers.map { Self.descriptor("application/vnd.oci.image.layer.v1.tar", $0) },
        ])
        for blob in [config, manifest] + layers { try writeBlob(blob) }
        var entry = Self.descriptor("application/vnd.oci.image.manifest.v1+json", manifest)
        if !annotations.isEmpty { entry["annotations"] = annotations }
        entries.append(entry)
        let image = Image(manifestDigest: Fixtures.digest(manifest), manifest: manifest, config: config, layers: layers)
        images.append(image)
        try writeIndex()
        return image
    }

    /// The path of the blob `digest`.
    func blobPath(_ digest: String) -> String {
        path + "/blobs/sha256/" + digest.dropFirst("sha256:".count)
    }

    private func writeBlob(_ bytes: [UInt8]) throws {
        try Fixtures.write(bytes, to: blobPath(Fixtures.digest(bytes)))
    }

    private func writeIndex() throws {
        let index = try Fixtures.json(["schemaVersion": 2, "manifests": entries])
        try Fixtures.write(index, to: path + "/index.json")
    }

    static func descriptor(_ mediaType: String, _ bytes: [UInt8]) -> [String: Any] {
        ["mediaType": mediaType, "digest": Fixtures.digest(bytes), "size": bytes.count]
    }
}

/// A `docker save` tar in the format of docker before 25 (Debian 12's 20.10), written by hand: a config file
/// named by its digest, `<id>/layer.tar` (uncompressed), `<id>/VERSION`, `<id>/json`, `manifest.json` and
/// `repositories`; a second image can share the first's layer through a symbolic link, as docker writes.
enum DockerSaveFixture {
    struct Saved {
        var tar: [UInt8]
        var configs: [[UInt8]]
        var layers: [[UInt8]]
    }

    /// Two images: `first` (two layers) and `second` (the first's second layer, linked, and one of its own).
    static func make(first: [String]?, second: [String]) throws -> Saved {
        var tar = TarBuilder()
        var layers: [[UInt8]] = []
        var ids: [String] = []
        for index in 0..<3 {
            var layer = TarBuilder()
            layer.file("layer\(index)/file.bin", Fixtures.random(5000 + index * 700))
            layer.end()
            layers.append(layer.bytes)
            let id = String(Fixtures.digest(Fixtures.random(16)).dropFirst(7))
            ids.append(id)
            tar.directory(id)
            tar.file("\(id)/VERSION", Array("1.0".utf8))
            tar.file("\(id)/json", Array(#"{"id":"\#(id)"}"#.utf8))
            tar.file("\(id)/layer.tar", layer.bytes)
        }
        // The second image's first layer is the first image's second one, linked.
        let linkedID = String(Fixtures.digest(Fixtures.random(16)).dropFirst(7))
        tar.directory(linkedID)
        tar.symlink("\(linkedID)/layer.tar", to: "../\(ids[1])/layer.tar")
        let configs = try [[layers[0], layers[1]], [layers[1], layers[2]]].map { used in
            try Fixtures.json([
                "architecture": "amd64", "os": "linux",
                "rootfs": ["type": "layers", "diff_ids": used.map(Fixtures.digest)],
            ])
        }
        for config in configs { tar.file(String(Fixtures.digest(config).dropFirst(7)) + ".json", config) }
        var firstEntry: [String: Any] = [
            "Config": String(Fixtures.digest(configs[0]).dropFirst(7)) + ".json",
            "Layers": ["\(ids[0])/layer.tar", "\(ids[1])/layer.tar"],
        ]
        firstEntry["RepoTags"] = first ?? NSNull()
        let manifest = try Fixtures.json([
            firstEntry,
            [
                "Config": String(Fixtures.digest(configs[1]).dropFirst(7)) + ".json",
                "RepoTags": second,
                "Layers": ["\(linkedID)/layer.tar", "\(ids[2])/layer.tar"],
            ],
        ])
        tar.file("manifest.json", manifest)
        tar.file("repositories", Array("{}".utf8))
        tar.end()
        return Saved(tar: tar.bytes, configs: configs, layers: layers)
    }
}
