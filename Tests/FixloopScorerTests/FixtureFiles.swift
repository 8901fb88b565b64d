import Foundation

/// Paths of the fixture exports and golden files copied into the test bundle.
enum FixtureFiles {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func golden(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Golden").appendingPathComponent(name)
    }

    /// Where a golden file lives in the source tree, for `FIXLOOP_UPDATE_GOLDEN=1`.
    static func sourceGolden(_ name: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
            .appendingPathComponent(name)
    }
}
