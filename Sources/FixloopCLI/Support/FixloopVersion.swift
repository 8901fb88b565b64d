import FixloopGit
import FixloopResources
import Foundation

/// What `fixloop --version` prints: the version and commit from the `VERSION` file beside the binary
/// (`share/fixloop/VERSION`, written by `scripts/package`: the version, then `commit <id>`), or, in a development
/// build, the checkout's `VERSION` and its HEAD read with libgit2; and where the resources come from.
struct FixloopVersion: Sendable, Equatable {
    var version: String
    var commit: String?
    var resources: URL?

    /// The running binary's version.
    static func current(locator: ResourceLocator = .standard) async -> FixloopVersion {
        guard let root = locator.root else { return FixloopVersion(version: "unknown", commit: nil, resources: nil) }
        let lines = ((try? String(contentsOf: root.appendingPathComponent("VERSION"), encoding: .utf8)) ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        var version = FixloopVersion(version: lines.first ?? "unknown", commit: nil, resources: root)
        version.commit = lines.first { $0.hasPrefix("commit ") }.map { String($0.dropFirst("commit ".count)) }
        if version.commit == nil, FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path) {
            version.commit = try? await GitWorkingCopy(directory: root).head()
        }
        return version
    }

    /// `fixloop 0.1.0 (commit 3230d3b1c2e4)` and the resources' folder on a second line.
    var text: String {
        let commitPart = commit.map { " (commit \($0.prefix(12)))" } ?? " (commit unknown)"
        return "fixloop \(version)\(commitPart)\nresources: \(resources?.path ?? "not found")"
    }
}
