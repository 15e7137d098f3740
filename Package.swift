// swift-tools-version:6.2
// The docker-registry machine charm, its Juju toolkit and its local unit agent.

import PackageDescription

let strictSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "docker-registry-charm",
    products: [
        .executable(name: "docker-registry-charm", targets: ["docker-registry-charm"]),
        .executable(name: "charm-sim", targets: ["charm-sim"]),
        .library(name: "JujuKit", targets: ["JujuKit"]),
        .library(name: "JujuKitTesting", targets: ["JujuKitTesting"]),
        .library(name: "RegistryCharm", targets: ["RegistryCharm"]),
        .library(name: "JujuSim", targets: ["JujuSim"]),
        .library(name: "RegistryKit", targets: ["RegistryKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The Foundation trait would link full Foundation (and ICU) into the charm binary.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        // Yams needs ICU: it is for charm-sim and the tests only, never for the charm binary.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "JujuKit",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        // The system's C libraries, through pkg-config (the design's libssl-dev and libyaml-dev, with libcrypt-dev
        // and libcurl4-openssl-dev). No C target of the charm's own: the few shims are inline functions in the
        // module headers. SystemLibraries is the only Swift code that imports them.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // Headers only: libcurl is loaded with dlopen on the first HTTP request (see CurlLibrary.swift).
        .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CCrypt",
            pkgConfig: "libcrypt",
            providers: [.apt(["libcrypt-dev"])]
        ),
        .target(
            name: "SystemLibraries",
            dependencies: ["COpenSSL", "CCurl", "CYAML", "CCrypt"],
            swiftSettings: strictSettings
        ),
        // The OCI distribution client and the mirror's copy engine: references, manifests, auth challenges, blob
        // streams, image lists and archives. Knows nothing of Juju.
        .target(
            name: "RegistryKit",
            dependencies: ["SystemLibraries"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "JujuKitTesting",
            dependencies: ["JujuKit"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RegistryCharm",
            dependencies: [
                "JujuKit",
                "SystemLibraries",
                "RegistryKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "docker-registry-charm",
            dependencies: ["JujuKit", "RegistryCharm"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "JujuSim",
            dependencies: [
                "JujuKit",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "charm-sim",
            dependencies: ["JujuSim"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JujuKitTests",
            dependencies: ["JujuKit", "JujuKitTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RegistryCharmTesting",
            dependencies: ["RegistryCharm", "JujuKit", "JujuKitTesting"],
            path: "Tests/RegistryCharmTesting",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RegistryCharmTests",
            dependencies: [
                "RegistryCharm", "JujuKitTesting", "RegistryCharmTesting",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ScenarioTests",
            dependencies: [
                "RegistryCharm", "JujuKit", "JujuKitTesting", "RegistryCharmTesting",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "SystemLibrariesTests",
            dependencies: ["SystemLibraries", "RegistryCharmTesting", "JujuKit"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RegistryKitTesting",
            dependencies: ["RegistryKit", "SystemLibraries"],
            path: "Tests/RegistryKitTesting",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "RegistryKitTests",
            dependencies: ["RegistryKit", "SystemLibraries", "RegistryKitTesting"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "JujuSimTests",
            dependencies: ["JujuSim", "JujuKit"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "JujuSim", "JujuKit", "RegistryCharm", "RegistryCharmTesting", "RegistryKitTesting",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
