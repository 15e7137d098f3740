/// The bytes of blobs held in the registry's storage, asked of the registry itself: for storage the charm cannot
/// measure on disk (S3, Swift), what a garbage collection frees is the sum of the blobs it names.
///
/// A blob is sized through the first repository that links it (`HEAD /v2/<repository>/blobs/<digest>`); the links of
/// a repository stay after its manifests are deleted, so a blob the collector is about to delete is still found.
struct BlobSizes {
    let api: RegistryAPI

    /// The sum of the sizes of `digests`.
    ///
    /// Blobs no repository links count as 0; `nil` when the registry cannot be asked.
    func total(of digests: [String]) async -> Int? {
        guard !digests.isEmpty else { return 0 }
        guard let repositories = try? await api.repositories() else { return nil }
        var total = 0
        for digest in Set(digests) {
            for repository in repositories {
                guard let size = try? await api.blobSize(repository, digest: digest) else { continue }
                total += size
                break
            }
        }
        return total
    }
}
