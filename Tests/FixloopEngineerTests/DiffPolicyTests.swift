@testable import FixloopEngineer
import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

struct DiffPolicyTests {
    static let files = [
        "app/cart.py": "def total(items):\n    return sum(items)\n",
        "tests/test_cart.py": "def test_total():\n    assert total([1, 2]) == 3\n\ndef test_empty():\n    assert total([]) == 0\n",
        ".github/workflows/ci.yml": "on: push\n",
        "README.md": "shop\n",
    ]

    /// Applies `change` to a real checkout and returns the policy's verdict on its diff.
    func violations(policy: DiffPolicy = DiffPolicy(), _ change: @escaping @Sendable (URL) throws -> Void) async throws -> [DiffPolicy.Violation] {
        try await withTemporaryDirectory { root in
            let source = root.appendingPathComponent("source")
            try await GitFixture.makeRepository(at: source, files: Self.files)
            let pool = WorkspacePool(mirrors: MirrorCache(root: root.appendingPathComponent("m")), root: root.appendingPathComponent("w"), poolSize: 0)
            return try await pool.withWorkspace(remote: try RepositoryReference(parsing: source.path)) { workspace in
                try change(workspace.directory)
                return policy.violations(of: try await workspace.diff())
            }
        }
    }

    @Test func aSmallSourceFixPasses() async throws {
        let found = try await violations { dir in
            try GitFixture.write(["app/cart.py": "def total(items):\n    return sum(items or [])\n"], in: dir)
        }
        #expect(found.isEmpty)
    }

    @Test func editingAWorkflowIsRefused() async throws {
        let found = try await violations { dir in try GitFixture.write([".github/workflows/ci.yml": "on: pull_request\n"], in: dir) }
        #expect(found.map(\.rule) == [.protectedPath])
        #expect(found.first?.path == ".github/workflows/ci.yml")
    }

    @Test func deletingATestFileOrATestIsRefused() async throws {
        let deletedFile = try await violations { dir in try FileManager.default.removeItem(at: dir.appendingPathComponent("tests/test_cart.py")) }
        #expect(deletedFile.contains { $0.rule == .deletedTest && $0.path == "tests/test_cart.py" })
        let deletedTest = try await violations { dir in
            try GitFixture.write(["tests/test_cart.py": "def test_total():\n    assert total([1, 2]) == 3\n"], in: dir)
        }
        #expect(deletedTest.map(\.rule) == [.deletedTest])
    }

    @Test func skippingATestIsRefused() async throws {
        let found = try await violations { dir in
            try GitFixture.write(["tests/test_cart.py": "import pytest\n@pytest.mark.skip\ndef test_total():\n    assert total([1, 2]) == 3\n\ndef test_empty():\n    assert total([]) == 0\n"], in: dir)
        }
        #expect(found.contains { $0.rule == .skippedTest })
    }

    /// attrs-1513: a correct fix refused because the changelog mentions `.disabled()`.
    @Test func aChangelogThatMentionsSkipsIsNotASkippedTest() async throws {
        let found = try await violations { dir in
            try GitFixture.write([
                "app/cart.py": "def total(items):\n    return sum(items or [])\n",
                "CHANGELOG.md": "- Tests use `.disabled()` and `@pytest.mark.skip` less; `it.skip(` is gone.\n",
                "docs/testing.rst": "Use ``pytest.skip(`` sparingly.\n",
            ], in: dir)
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func skipsInCommentsAndStringsOfATestFileDoNotCount() async throws {
        let found = try await violations { dir in
            try GitFixture.write(["tests/test_cart.py": """
                def test_total():
                    # no @pytest.mark.skip here: the bug is fixed
                    assert total([1, 2]) == 3, "not pytest.skip(ped)"

                def test_empty():
                    assert total([]) == 0
                """ + "\n"], in: dir)
        }
        #expect(found.isEmpty, "\(found)")
    }

    @Test func onlyTheFileLanguagesSkipConstructsCount() async throws {
        let swift = try await violations { dir in
            try GitFixture.write(["Tests/CartTests/CartTests.swift": "@Test(.disabled(\"flaky\")) func adds() {}\n"], in: dir)
        }
        #expect(swift.map(\.rule) == [.skippedTest])
        let notPython = try await violations { dir in
            try GitFixture.write(["tests/test_cart.py": Self.files["tests/test_cart.py"]! + "\nMODES = [m.disabled() for m in []]\n"], in: dir)
        }
        #expect(notPython.isEmpty, "\(notPython)")
    }

    @Test func binariesAndLargeDiffsAreRefused() async throws {
        let binary = try await violations { dir in try Data([0, 1, 2, 0, 255]).write(to: dir.appendingPathComponent("app/blob.bin")) }
        #expect(binary.map(\.rule) == [.binary])
        let large = try await violations(policy: DiffPolicy(maxChangedLines: 3)) { dir in
            try GitFixture.write(["app/cart.py": (0..<10).map { "x\($0) = \($0)" }.joined(separator: "\n")], in: dir)
        }
        #expect(large.map(\.rule) == [.tooLarge])
    }

    @Test(arguments: [
        (".github/workflows/**", ".github/workflows/ci.yml", true),
        ("**/package-lock.json", "package-lock.json", true),
        ("**/package-lock.json", "web/package-lock.json", true),
        ("**/*.pem", "certs/server.pem", true),
        ("**/.env.*", "config/.env.production", true),
        (".github/workflows/**", ".github/CODEOWNERS", false),
        ("**/*.pem", "docs/pem.md", false),
    ])
    func globsMatchAcrossFolders(pattern: String, path: String, expected: Bool) {
        #expect(Glob.matches(pattern, path) == expected)
    }
}
