import FoundationEssentials
import JujuKit

/// Which repository of this registry holds each blob the `mirror` action stored (``HostPaths/mirrorBlobsFile``): a
/// later run mounts such a blob into a new repository instead of uploading it again, as skopeo's blob cache does.
///
/// The record can go stale (a repository deleted and collected): the registry then refuses the mount and the
/// blob is uploaded. It never holds more than ``limit`` blobs.
struct MirrorBlobLocations {
    let files: any FileSystem
    let path: String

    /// The most blobs remembered (about 120 bytes each).
    static let limit = 200_000

    /// The recorded locations; none when there is no record or it cannot be read.
    func load() -> [String: String] {
        guard let bytes = try? files.read(path) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: Data(bytes))) ?? [:]
    }

    /// Records `locations` (digests to repositories).
    func save(_ locations: [String: String]) throws {
        var kept = locations
        if kept.count > Self.limit {
            kept = Dictionary(uniqueKeysWithValues: kept.sorted { $0.key < $1.key }.prefix(Self.limit).map { $0 })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try files.write(path, Array(try encoder.encode(kept)), mode: FileMode(rawValue: 0o644))
    }
}
