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
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // The Foundation trait would link full Foundation (and ICU) into the charm binary.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        // The registry HTTP API client of the list/delete/garbage-collect actions (NIOCore, NIOPosix, NIOHTTP1,
        // NIOSSL only: none of them links Foundation on Linux).
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
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
        .target(
            name: "JujuKitTesting",
            dependencies: ["JujuKit"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "RegistryCharm",
            dependencies: [
                "JujuKit",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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
            name: "JujuSimTests",
            dependencies: ["JujuSim", "JujuKit"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "JujuSim", "JujuKit", "RegistryCharm", "RegistryCharmTesting", .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
