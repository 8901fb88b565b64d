import FixloopSandbox
import Foundation

/// Keeps a patch under judgement from changing the tests that judge it.
///
/// Before the patch is applied, the test files and test configuration it touches (``TestFileRules``) are read
/// from the workspace as it is then — the base plus the test patch; after it applied, each is put back byte for
/// byte (or removed, when the patch created it). For `pyproject.toml` and `setup.cfg` only a change to their test
/// sections puts the whole file back. Files are read and written without following links.
struct TestFileGuard: Sendable {
    /// Workspace-relative path → bytes before the patch (nil: the file did not exist).
    private var saved: [String: [UInt8]?] = [:]

    /// Reads the test files `patch` touches, before it is applied.
    init(patch: [UInt8], workspace: URL) {
        let diff = UnifiedDiff(parsing: PatchText.decode(patch))
        let level = diff.stripLevel
        for file in diff.files {
            for raw in [file.oldPath, file.newPath].compactMap({ $0 }) where raw != "/dev/null" {
                let path = UnifiedDiff.strip(raw, level: level)
                guard TestFileRules.isTestFile(path) || TestFileRules.testSectionPrefixes(path) != nil else { continue }
                saved[path] = .some(WorkspaceFileReader.bytes(path, in: workspace))
            }
        }
    }

    /// Puts the saved files back where the patch changed them.
    /// - Returns: the paths put back or removed, sorted.
    func restore(in workspace: URL) -> [String] {
        var restored: [String] = []
        for (path, before) in saved {
            let now = WorkspaceFileReader.bytes(path, in: workspace)
            guard now != before else { continue }
            if let prefixes = TestFileRules.testSectionPrefixes(path), let before, let now {
                let sections = { (bytes: [UInt8]) in
                    TestFileRules.testSections(of: PatchText.decode(bytes), prefixes: prefixes)
                }
                if sections(before) == sections(now) { continue }
            }
            if let before {
                WorkspaceFileReader.write(before, to: path, in: workspace)
            } else {
                WorkspaceFileReader.remove(path, in: workspace)
            }
            restored.append(path)
        }
        return restored.sorted()
    }
}
