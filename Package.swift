// swift-tools-version:6.2
import PackageDescription

/// One target per layer; dependencies point inward (see docs/ARCHITECTURE.md).
let package = Package(
    name: "Fixloop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fixloop", targets: ["fixloop"]),
        .library(name: "FixloopTesting", targets: ["FixloopTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libgit2 from Debian's libgit2-dev: modulemap and shim only.
        .systemLibrary(
            name: "CLibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // zlib from Debian's zlib1g-dev: streaming inflate for gzip files and zip entries.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Plain Sendable value types and the role protocols every layer shares.
        .target(name: "FixloopCore"),
        // fixloop.toml and the state directory.
        .target(
            name: "FixloopConfig",
            dependencies: ["FixloopCore", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // All git work, through libgit2.
        .target(name: "FixloopGit", dependencies: ["CLibgit2", "FixloopCore"]),
        // The commands; the only place that builds concrete adapters and wires them together.
        .target(
            name: "FixloopCLI",
            dependencies: [
                "FixloopCore", "FixloopConfig", "FixloopGit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // The support layer: analytics import, sessions, timelines, rubric, implied NPS, grade contract.
        .target(
            name: "FixloopScorer",
            dependencies: [
                "FixloopCore", "CZlib",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(name: "fixloop", dependencies: ["FixloopCLI"]),
        // Doubles for tests: temporary repositories, loopback protocol servers.
        .target(
            name: "FixloopTesting",
            dependencies: [
                "FixloopCore", "FixloopGit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "FixloopCoreTests", dependencies: ["FixloopCore", "FixloopConfig"]),
        .testTarget(
            name: "FixloopScorerTests", dependencies: ["FixloopScorer", "FixloopCore"],
            resources: [.copy("Fixtures"), .copy("Golden")]
        ),
        .testTarget(name: "FixloopGitTests", dependencies: ["FixloopGit", "FixloopTesting"]),
        .testTarget(
            name: "FixloopCLITests", dependencies: ["FixloopCLI", "FixloopTesting"],
            resources: [.copy("Golden")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
