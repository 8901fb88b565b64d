import FixloopCore
import FixloopGit
import FixloopVerify

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
///
/// Only test files (``TestFileRules``) count, and in them only the skip constructs of the file's own language,
/// outside line comments and string literals: a changelog that mentions `.disabled()` or a Python comment about
/// `pytest.skip(` is not a skipped test.
enum TestLines {
    static func isTestFile(_ path: String) -> Bool {
        TestFileRules.isTestFile(path)
    }

    private static let definitions = ["def test", "func test", "@Test", "#[test]", "it(", "test(", "describe("]

    /// File extension → the skip constructs of that language.
    static let skips: [String: [String]] = {
        let javascript = ["it.skip(", "test.skip(", "describe.skip(", "xit(", "xtest(", "xdescribe(", "it.todo("]
        var table: [String: [String]] = [
            "py": ["@pytest.mark.skip", "@pytest.mark.xfail", "@unittest.skip", "pytest.skip(", ".skipTest(",
                   "@unittest.expectedFailure"],
            "swift": [".disabled(", "XCTSkip"],
            "go": ["t.Skip(", "t.Skipf(", "t.SkipNow(", "b.Skip("],
            "rs": ["#[ignore"],
            "java": ["@Disabled", "@Ignore"], "kt": ["@Disabled", "@Ignore"],
        ]
        for language in ["js", "jsx", "ts", "tsx", "mjs", "cjs"] { table[language] = javascript }
        return table
    }()

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
                file = line.split(separator: " ").last.map { String($0.dropFirst(2)) }.flatMap { isTestFile($0) ? $0 : nil }
                removed = [:]
                added = [:]
            }
            guard let file, !line.hasPrefix("---"), !line.hasPrefix("+++") else { continue }
            let language = String(file.split(separator: ".").last ?? "")
            let body = code(of: line.dropFirst(), language: language).trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-") {
                if let definition = definitions.first(where: { body.hasPrefix($0) }) { removed[definition, default: 0] += 1 }
            } else if line.hasPrefix("+") {
                if let definition = definitions.first(where: { body.hasPrefix($0) }) { added[definition, default: 0] += 1 }
                if let skip = skips[language, default: []].first(where: { body.contains($0) }) {
                    found.append(.init(rule: .skippedTest, path: file, detail: "adds a skip (\(skip))"))
                }
            }
        }
        flush()
        return found
    }

    /// A source line without its line comment and with its string literals emptied (single-line strings; `#`
    /// comments for Python, `//` for the others).
    static func code(of line: Substring, language: String) -> String {
        let python = language == "py"
        let quotes: Set<Character> = python || ["js", "jsx", "ts", "tsx", "mjs", "cjs"].contains(language)
            ? ["\"", "'", "`"] : ["\"", "`"]
        var result = ""
        var quote: Character?
        var escaped = false
        var previous: Character = " "
        for character in line {
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == open {
                    quote = nil
                    result.append(character)
                }
                continue
            }
            if python ? character == "#" : (character == "/" && previous == "/") {
                if !python { result.removeLast() }
                break
            }
            if quotes.contains(character) { quote = character }
            result.append(character)
            previous = character
        }
        return result
    }
}
