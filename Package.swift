// swift-tools-version:6.2
import PackageDescription

/// One target per layer; dependencies point inward (see docs/ARCHITECTURE.md).
let package = Package(
    name: "Fixloop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fixloop", targets: ["fixloop"]),
        .executable(name: "fixloop-sandbox-exec", targets: ["fixloop-sandbox-exec"]),
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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
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
        // brotli from Debian's libbrotli-dev: PostHog batch exports compressed with brotli (`.br`).
        .systemLibrary(
            name: "CBrotli",
            pkgConfig: "libbrotlidec",
            providers: [.apt(["libbrotli-dev"])]
        ),
        // SQLite settings only its variadic C configuration call can make (libsqlite3-dev, as GRDB uses).
        .systemLibrary(
            name: "CSQLiteConfig",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // Plain Sendable value types and the role protocols every layer shares.
        .target(name: "FixloopCore"),
        // Where the shipped files are (prompts/, sandbox/, prices/, examples/, VERSION): beside the installed binary
        // (share/fixloop, what scripts/package writes), else the source checkout.
        .target(name: "FixloopResources"),
        // fixloop.toml (with the shipped prices under [prices]) and the state directory.
        .target(
            name: "FixloopConfig",
            dependencies: ["FixloopCore", "FixloopResources", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        // All git work, through libgit2.
        .target(name: "FixloopGit", dependencies: ["CLibgit2", "FixloopCore"]),
        // Prompt templates from the top-level prompts/ folder (found through FixloopResources), rendered with Mustache.
        .target(
            name: "FixloopPrompts",
            dependencies: ["FixloopCore", "FixloopResources", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // The one HTTP retry mechanism (back-off, Retry-After, rate-limit classifiers, deadline) of every client.
        .target(name: "FixloopHTTP"),
        // GitHub's REST API: issues, comments, pull requests; GitHub App installation tokens (RS256 JWT).
        .target(
            name: "FixloopGitHub",
            dependencies: [
                "FixloopCore", "FixloopHTTP", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The PR bot: webhook receiver (Hummingbird), trigger decisions, worker pool over the job queue.
        .target(
            name: "FixloopServer",
            dependencies: [
                "FixloopCore", "FixloopGitHub", "FixloopFixService",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Linear's GraphQL API: issues, comments, attachments.
        .target(name: "FixloopLinear", dependencies: ["FixloopCore", "FixloopHTTP"]),
        // The week's review page: HTML with inline SVG, and Markdown, from plain values.
        .target(name: "FixloopReport"),
        // Slack incoming webhooks: the week's summary as Block Kit, through FixloopHTTP's retries.
        .target(name: "FixloopSlack", dependencies: ["FixloopCore", "FixloopHTTP"]),
        // The engineer: a bug ticket in, a verified pull request out.
        .target(
            name: "FixloopEngineer",
            dependencies: ["FixloopCore", "FixloopGit", "FixloopPrompts", "FixloopModels", "FixloopSandbox", "FixloopVerify"]
        ),
        // The fix service: the engineer as a library that `fix`, `serve` and `demo` call, with its adapters.
        .target(
            name: "FixloopFixService",
            dependencies: [
                "FixloopCore", "FixloopConfig", "FixloopEngineer", "FixloopGit", "FixloopGitHub", "FixloopLinear", "FixloopModels",
                "FixloopPrompts", "FixloopSandbox", "FixloopStore", "FixloopVerify",
            ]
        ),
        // Model clients: OpenAI-compatible and Anthropic over URLSession, retries, rate limits, budgets, replay.
        .target(name: "FixloopModels", dependencies: ["FixloopCore", "FixloopHTTP"]),
        // The store: SQLite through GRDB (system libsqlite3), WAL mode, migrations.
        .target(
            name: "FixloopStore",
            dependencies: [
                "FixloopCore", "FixloopIngest", "FixloopSessionTypes", "FixloopScorer", "FixloopPlanner", "CSQLiteConfig",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The SQLite C API, for the analytics bulk paths (no per-value boxing).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        // PostgreSQL through PostgresNIO: `postgres://` URLs, connections with clear errors, the warehouse's event
        // reader (PostHog's batch-export table) and the scores' write-back table.
        .target(
            name: "FixloopPostgres",
            dependencies: [
                "FixloopCore", "FixloopPlanner", "FixloopIngest", "FixloopScorer", "FixloopSessionTypes",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Runs untrusted commands under bubblewrap; policies come from the shipped sandbox/ folder.
        .target(
            name: "FixloopSandbox",
            dependencies: [
                "CFixloopSandbox", "FixloopCore", "FixloopResources", .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // Patch verification with SWE-bench semantics, and test-output parsing.
        .target(name: "FixloopVerify", dependencies: ["FixloopCore", "FixloopSandbox"]),
        // The tiny helper that applies rlimits and drops to the sandbox user before exec'ing bubblewrap.
        .executableTarget(name: "fixloop-sandbox-exec"),
        // glibc's GNU spawn and pipe extensions, which Swift's Glibc module does not export.
        .target(name: "CFixloopSandbox"),
        // The commands; the only place that builds concrete adapters and wires them together.
        .target(
            name: "FixloopCLI",
            dependencies: [
                "FixloopCore", "FixloopConfig", "FixloopGit", "FixloopModels", "FixloopStore", "FixloopSandbox", "FixloopVerify",
                "FixloopEngineer", "FixloopGitHub", "FixloopLinear", "FixloopPrompts", "FixloopResources", "FixloopScorer",
                "FixloopIngest", "FixloopSessionTypes", "FixloopExportGenerator", "FixloopPostHog",
                "FixloopReport", "FixloopSlack",
                "FixloopPlanner",
                "FixloopServer", "FixloopFixService", "FixloopPostgres",
                // `bench candidates` drives the engineer against a loopback model server with a fixed latency.
                "FixloopTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `bench grading`'s loopback model server.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ]
        ),
        // The tuned import path: analytics exports (PostHog, Amplitude zips, Segment; gzip) streamed into events, and
        // events into sessions.
        .target(name: "FixloopIngest", dependencies: ["FixloopCore", "CZlib", "CBrotli"]),
        // PostHog's query API: HogQL pages of events pulled into the import path, with a cursor in the store.
        .target(name: "FixloopPostHog", dependencies: ["FixloopCore", "FixloopHTTP", "FixloopIngest"]),
        // What the planner and the store read of a scored session: its facts and the model's grade.
        .target(name: "FixloopSessionTypes"),
        // The support layer: timelines, rubric, implied NPS, the grading prompt and the grade contract.
        .target(
            name: "FixloopScorer",
            dependencies: ["FixloopCore", "FixloopIngest", "FixloopSessionTypes", "FixloopPrompts"]
        ),
        // A tool, not part of the product's scorer: synthetic PostHog exports for `demo`, `bench ingest` and tests.
        .target(name: "FixloopExportGenerator", dependencies: ["FixloopCore", "FixloopIngest", "CZlib"]),
        // The planner: scored sessions → failure signatures → patterns → decisions → tickets (through ports).
        .target(name: "FixloopPlanner", dependencies: ["FixloopCore", "FixloopSessionTypes", "FixloopPrompts"]),
        .executableTarget(name: "fixloop", dependencies: ["FixloopCLI", "fixloop-sandbox-exec"]),
        // Doubles for tests: temporary repositories, loopback protocol servers.
        .target(
            name: "FixloopTesting",
            dependencies: [
                "FixloopCore", "FixloopGit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
        .testTarget(name: "FixloopCoreTests", dependencies: ["FixloopCore", "FixloopConfig"]),
        .testTarget(
            name: "FixloopStoreTests",
            dependencies: [
                "FixloopStore", "FixloopScorer", "FixloopIngest", "FixloopSessionTypes", "FixloopExportGenerator",
                "FixloopTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The scorer family: import (fixtures in every format), timelines, grading, the generator.
        .testTarget(
            name: "FixloopScorerTests",
            dependencies: [
                "FixloopScorer", "FixloopIngest", "FixloopSessionTypes", "FixloopExportGenerator", "FixloopPrompts",
                "FixloopCore", "CBrotli",
            ],
            resources: [.copy("Fixtures"), .copy("Golden")]
        ),
        .testTarget(name: "FixloopReportTests", dependencies: ["FixloopReport"]),
        .testTarget(
            name: "FixloopPlannerTests",
            dependencies: [
                "FixloopPlanner", "FixloopStore", "FixloopSessionTypes", "FixloopGitHub", "FixloopLinear", "FixloopCLI", "FixloopFixService",
                "FixloopTesting", "FixloopPostgres",
            ]
        ),
        .testTarget(name: "FixloopGitTests", dependencies: ["FixloopGit", "FixloopTesting"]),
        .testTarget(name: "FixloopPromptsTests", dependencies: ["FixloopPrompts", "FixloopTesting"]),
        .testTarget(
            name: "FixloopGitHubTests",
            dependencies: ["FixloopGitHub", "FixloopHTTP", "FixloopTesting", .product(name: "_CryptoExtras", package: "swift-crypto")]
        ),
        .testTarget(
            name: "FixloopServerTests",
            dependencies: [
                "FixloopFixService",
                "FixloopServer", "FixloopStore", "FixloopGitHub", "FixloopTesting",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "FixloopFixServiceTests",
            dependencies: ["FixloopFixService", "FixloopEngineer", "FixloopGit", "FixloopSandbox", "FixloopStore", "FixloopTesting"]
        ),
        .testTarget(name: "FixloopHTTPTests", dependencies: ["FixloopHTTP", "FixloopCore", "FixloopTesting"]),
        .testTarget(
            name: "FixloopPostHogTests",
            dependencies: ["FixloopPostHog", "FixloopHTTP", "FixloopIngest", "FixloopStore", "FixloopExportGenerator", "FixloopTesting", "FixloopCore"]
        ),
        .testTarget(name: "FixloopLinearTests", dependencies: ["FixloopLinear", "FixloopHTTP", "FixloopTesting"]),
        .testTarget(name: "FixloopSlackTests", dependencies: ["FixloopSlack", "FixloopHTTP", "FixloopTesting"]),
        .testTarget(
            name: "FixloopEngineerTests",
            dependencies: ["FixloopEngineer", "FixloopGitHub", "FixloopTesting", "FixloopSandbox", "FixloopVerify", "FixloopGit"],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "FixloopCLITests",
            dependencies: [
                "FixloopCLI", "FixloopFixService", "FixloopScorer", "FixloopExportGenerator", "FixloopStore", "FixloopServer",
                "FixloopTesting", "FixloopPostgres",
            ],
            resources: [.copy("Golden")]
        ),
        .testTarget(
            name: "FixloopModelsTests",
            dependencies: [
                "FixloopCore", "FixloopConfig", "FixloopHTTP", "FixloopModels", "FixloopStore", "FixloopCLI", "FixloopTesting",
            ]
        ),
        .testTarget(
            name: "FixloopPostgresTests",
            dependencies: ["FixloopPostgres", "FixloopCore", "FixloopTesting", .product(name: "PostgresNIO", package: "postgres-nio")]
        ),
        // The store protocols' behaviour written once and run against both backends (SQLite, and PostgreSQL when
        // installed), and the schema-agreement check between the SQLite migrations and `StoreSchema`.
        .testTarget(
            name: "FixloopStoreConformanceTests",
            dependencies: [
                "FixloopCore", "FixloopStore", "FixloopPostgres", "FixloopTesting", "FixloopPlanner", "FixloopIngest", "FixloopScorer",
                "FixloopSessionTypes", "FixloopExportGenerator",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(name: "FixloopSandboxTests", dependencies: ["FixloopCore", "FixloopSandbox", "FixloopVerify", "FixloopTesting", "fixloop-sandbox-exec"]),
    ],
    swiftLanguageModes: [.v6]
)
