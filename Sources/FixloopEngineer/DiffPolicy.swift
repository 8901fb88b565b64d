import FixloopCore
import FixloopGit

/// What a fix may change. Checked on every candidate before it can be delivered; a violation is a value
/// that names the file and the rule.
public struct DiffPolicy: Sendable, Equatable {
    /// Paths no fix may touch unless the user removes them from the policy.
    public static let defaultProtectedPaths = [
        ".github/workflows/**", ".gitlab-ci.yml", ".circleci/**",
        "**/Package.resolved", "**/package-lock.json", "**/yarn.lock", "**/pnpm-lock.yaml", "**/poetry.lock",
        "**/Cargo.lock", "**/go.sum", "**/Gemfile.lock", "**/composer.lock", "**/uv.lock",
        "**/.env", "**/.env.*", "**/*.pem", "**/*.key", "**/id_rsa*", "**/id_ed25519*", "**/secrets.*",
        "**/credentials*", "**/.npmrc", "**/.pypirc",
    ]

    public var maxChangedLines: Int
    public var protectedPaths: [String]
    public var allowBinaries: Bool

    public init(maxChangedLines: Int = 200, protectedPaths: [String] = DiffPolicy.defaultProtectedPaths, allowBinaries: Bool = false) {
        self.maxChangedLines = maxChangedLines
        self.protectedPaths = protectedPaths
        self.allowBinaries = allowBinaries
    }

    /// One broken rule.
    public struct Violation: Sendable, Equatable, Codable, CustomStringConvertible {
        public enum Rule: String, Sendable, Codable {
            case tooLarge = "too_large", protectedPath = "protected_path", deletedTest = "deleted_test"
            case skippedTest = "skipped_test", binary
        }

        public let rule: Rule
        public let path: String?
        public let detail: String

        public var description: String { path.map { "\($0): \(detail)" } ?? detail }
    }

    /// Every rule `diff` breaks; empty when it may be delivered.
    public func violations(of diff: GitDiff) -> [Violation] {
        var found: [Violation] = []
        if diff.changedLines > maxChangedLines {
            found.append(Violation(rule: .tooLarge, path: nil,
                                   detail: "\(diff.changedLines) changed lines, more than the limit of \(maxChangedLines)"))
        }
        for file in diff.files {
            for path in [file.path, file.oldPath].compactMap({ $0 })
            where protectedPaths.contains(where: { Glob.matches($0, path) }) {
                found.append(Violation(rule: .protectedPath, path: path, detail: "is a protected path"))
            }
            if file.isBinary && !allowBinaries {
                found.append(Violation(rule: .binary, path: file.path, detail: "is a binary file"))
            }
            if file.change == .deleted && TestLines.isTestFile(file.path) {
                found.append(Violation(rule: .deletedTest, path: file.path, detail: "deletes a test file"))
            }
        }
        found += TestLines.violations(in: diff.patch)
        return found
    }
}

/// Recognizes test files, removed test definitions and added skips in unified diffs, across languages.
enum TestLines {
    static func isTestFile(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return name.hasPrefix("test_") || name.hasSuffix("_test.py") || name.hasSuffix("_test.go")
            || name.hasSuffix("Tests.swift") || name.hasSuffix("Test.swift") || name.contains(".test.")
            || name.contains(".spec.") || path.hasPrefix("tests/") || path.contains("/tests/") || path.hasPrefix("Tests/")
    }

    private static let definitions = ["def test", "func test", "@Test", "#[test]", "it(", "test(", "describe("]
    private static let skips = [
        "@pytest.mark.skip", "@pytest.mark.xfail", "@unittest.skip", "pytest.skip(", "XCTSkip", ".disabled(",
        "@Test(.disabled", "t.Skip(", "#[ignore]", "it.skip(", "xit(", "test.skip(", "describe.skip(", "xdescribe(",
    ]

    static func violations(in patch: String) -> [DiffPolicy.Violation] {
        var found: [DiffPolicy.Violation] = []
        var file: String?
        var removed: [String: Int] = [:]
        var added: [String: Int] = [:]
        func flush() {
            guard let file else { return }
            for (definition, count) in removed where count > (added[definition] ?? 0) {
                found.append(.init(rule: .deletedTest, path: file, detail: "removes a test definition (\(definition))"))
            }
        }
        for line in patch.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("diff --git ") {
                flush()
                file = line.split(separator: " ").last.map { String($0.dropFirst(2)) }
                removed = [:]
                added = [:]
            } else if line.hasPrefix("-") && !line.hasPrefix("---") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if let definition = definitions.first(where: { body.hasPrefix($0) }) { removed[definition, default: 0] += 1 }
            } else if line.hasPrefix("+") && !line.hasPrefix("+++") {
                let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
                if let definition = definitions.first(where: { body.hasPrefix($0) }) { added[definition, default: 0] += 1 }
                if let skip = skips.first(where: { body.contains($0) }), let file {
                    found.append(.init(rule: .skippedTest, path: file, detail: "adds a skip (\(skip))"))
                }
            }
        }
        flush()
        return found
    }
}
