/// The media types of manifests and indexes the mirror reads.
public enum MediaTypes {
    /// An OCI image index.
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    /// An OCI image manifest (images and artifacts).
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    /// A Docker manifest list.
    public static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    /// A Docker image manifest, schema 2.
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    /// An OCI image configuration.
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    /// An OCI layer, uncompressed.
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    /// An OCI layer, gzip-compressed.
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"

    /// The `Accept` header of a manifest request: every type the mirror copies, so a registry never converts.
    public static let acceptedManifests = [ociIndex, ociManifest, dockerList, dockerManifest].joined(separator: ", ")

    /// Whether `mediaType` is an index or manifest list.
    public static func isIndex(_ mediaType: String) -> Bool {
        mediaType == ociIndex || mediaType == dockerList
    }
}
