import FixloopConfig
import FixloopEngineer
import Foundation

/// A repository's own `.fixloop.toml`: how to set it up and test it, and what a fix may touch.
///
/// ```toml
/// setup = "python3 -m pip install -e ."
/// test = "python3 -m pytest -rA"
/// read_only = ["/opt/tools"]
/// protected_paths = ["migrations/**"]
/// max_changed_lines = 120
/// ```
enum RepositoryFile {
    static func read(in directory: URL) throws -> RepositorySettings? {
        let url = directory.appendingPathComponent(".fixloop.toml")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        var table = try ConfigSection.parse(toml: String(decoding: data, as: UTF8.self), file: ".fixloop.toml in the repository")
        var settings = RepositorySettings()
        settings.setupCommand = try table.string("setup")
        settings.testCommand = try table.string("test")
        settings.readOnlyPaths = try table.strings("read_only") ?? []
        settings.protectedPaths = try table.strings("protected_paths") ?? []
        if let limit = try table.int("max_changed_lines", range: 1...100_000) { settings.maxChangedLines = limit }
        try table.finish()
        return settings
    }
}
