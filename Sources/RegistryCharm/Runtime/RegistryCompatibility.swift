/// What the configuration asks of a registry version that it cannot do.
///
/// distribution v3 (registry:3) removed the `swift` storage driver (a registry:3 with `storage.swift` panics at
/// start); everything else the charm renders is read by both v2.8 and v3.1 (neither rejects unknown keys, see
/// ``RegistryConfig/S3Parameters`` for the parameters that differ).
enum RegistryCompatibility {
    /// The problems that block the unit for `config` on `version`; empty when it can run.
    static func problems(_ config: CharmConfig, version: RegistryVersion) -> [ConfigProblem] {
        guard RegistryVersion.knownMajors.contains(version.major) else {
            return [
                ConfigProblem(
                    option: "registry-image",
                    message: "\(config.registryImage) runs distribution \(version.text), which this charm does not"
                        + " know how to configure: use a registry:2 or registry:3 image"
                )
            ]
        }
        var problems: [ConfigProblem] = []
        if version.isV3, case .swift = config.storage {
            problems.append(
                ConfigProblem(
                    option: "storage-swift-authurl",
                    message: "\(config.registryImage) runs distribution \(version.text), which has no swift storage"
                        + " driver: use the store's S3 API with the storage-s3-* options (Ceph RGW serves both), or"
                        + " set registry-image to a registry:2 image"
                )
            )
        }
        return problems
    }
}
