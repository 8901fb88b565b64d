/// Which files are tests or test configuration, per language: what a patch under judgement may not change
/// (``TestFileGuard``) and where the diff policy looks for skipped tests.
///
/// - Python: `test_*.py`, `*_test.py`, `conftest.py`, `pytest.ini`, `.pytest.ini`, `tox.ini`, `noxfile.py`; the
///   `[tool.pytest…]` tables of `pyproject.toml` and the `[tool:pytest]` section of `setup.cfg`.
/// - Swift: `*Tests.swift`, `*Test.swift`, anything under `Tests/`.
/// - Go: `*_test.go`, anything under `testdata/`.
/// - JavaScript/TypeScript: `*.test.*`, `*.spec.*`, anything under `__tests__/`, `jest.config.*`, `vitest.config.*`,
///   `.mocharc.*`, `karma.conf.*`.
/// - Java/Kotlin: anything under `src/test/`.
/// - Any language: anything under a `tests/` or `test/` folder.
public enum TestFileRules {
    /// True when `path` (workspace-relative, `/`-separated) is a test file or a whole-file test configuration.
    public static func isTestFile(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        guard let name = parts.last else { return false }
        let folders = parts.dropLast()
        if folders.contains(where: { ["tests", "test", "Tests", "__tests__", "testdata"].contains($0) }) { return true }
        if path.hasPrefix("src/test/") || path.contains("/src/test/") { return true }
        if ["conftest.py", "pytest.ini", ".pytest.ini", "tox.ini", "noxfile.py"].contains(name) { return true }
        if name.hasPrefix("test_") && name.hasSuffix(".py") { return true }
        if name.hasSuffix("_test.py") || name.hasSuffix("_test.go") { return true }
        if name.hasSuffix("Tests.swift") || name.hasSuffix("Test.swift") { return true }
        if name.contains(".test.") || name.contains(".spec.") { return true }
        return ["jest.config.", "vitest.config.", ".mocharc.", "karma.conf."].contains { name.hasPrefix($0) }
    }

    /// The section headers whose contents configure the tests, for files that also hold other settings; nil
    /// when `path` is not such a file.
    public static func testSectionPrefixes(_ path: String) -> [String]? {
        switch path.split(separator: "/").last.map(String.init) ?? path {
        case "pyproject.toml": return ["[tool.pytest", "[tool.coverage"]
        case "setup.cfg": return ["[tool:pytest", "[pytest"]
        default: return nil
        }
    }

    /// The text of the test sections of an INI or TOML file: every line from a header with one of `prefixes`
    /// up to the next header.
    static func testSections(of text: String, prefixes: [String]) -> String {
        var inside = false
        var kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("[") { inside = prefixes.contains { trimmed.hasPrefix($0) } }
            if inside { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }
}
