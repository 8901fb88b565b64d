@testable import FixloopEngineer
import FixloopTesting
import Foundation
import Testing

struct EditingTests {
    static let source = "class Cart:\n    def total(self):\n        return a - b\n\n    def count(self):\n        return len(self.items)\n"

    func withFiles(_ body: (WorkspaceFiles, URL) async throws -> Void) async throws {
        try await withTemporaryDirectory { root in
            try GitFixture.write(["shop/cart.py": Self.source, "dup.txt": "x = 1\nx = 1\n"], in: root)
            try await body(WorkspaceFiles(root: root), root)
        }
    }

    @Test func replacesAnExactSnippetOnce() async throws {
        try await withFiles { files, _ in
            let outcome = ExactEdit(path: "shop/cart.py", search: "        return a - b", replacement: "        return a + b").apply(in: files)
            #expect(outcome == .applied(path: "shop/cart.py"))
            let check1 = try files.text("shop/cart.py")?.contains("return a + b") == true
            #expect(check1)
        }
    }

    @Test func toleratesIndentationAndTrailingSpaceDifferences() async throws {
        try await withFiles { files, _ in
            let outcome = ExactEdit(path: "shop/cart.py", search: "def total(self):  \n    return a - b", replacement: "def total(self):\n    return a + b").apply(in: files)
            #expect(outcome.succeeded)
            let check2 = try files.text("shop/cart.py") == Self.source.replacingOccurrences(of: "a - b", with: "a + b")
            #expect(check2)
        }
    }

    @Test func noMatchAndSeveralMatchesTellTheModelWhatToDo() async throws {
        try await withFiles { files, _ in
            let missing = ExactEdit(path: "shop/cart.py", search: "    def total(self):\n        return a * b", replacement: "x").apply(in: files)
            guard case .noMatch(_, let hint) = missing else { Issue.record("expected noMatch, got \(missing)"); return }
            #expect(hint.contains("line 2"))
            let twice = ExactEdit(path: "dup.txt", search: "x = 1", replacement: "x = 2").apply(in: files)
            #expect(twice == .ambiguous(path: "dup.txt", count: 2))
            let check3 = try files.text("dup.txt") == "x = 1\nx = 1\n"
            #expect(check3)
        }
    }

    @Test func refusesPathsOutsideTheCheckoutAndThroughLinks() async throws {
        try await withFiles { files, root in
            let outside = root.deletingLastPathComponent().appendingPathComponent("outside-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: outside) }
            try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("evil"), withDestinationURL: outside)
            for path in ["../x.txt", "/etc/passwd", ".git/config", "evil/pwned.txt", "shop/../../x"] {
                let outcome = ExactEdit(path: path, search: "", replacement: "pwned").apply(in: files)
                guard case .refused = outcome else { Issue.record("\(path) was not refused: \(outcome)"); continue }
            }
            let check4 = try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty
            #expect(check4)
        }
    }

    @Test func readsLineRangesAndListsFolders() async throws {
        try await withFiles { files, _ in
            let check5 = try files.read("shop/cart.py", from: 2, to: 3) == "2\t    def total(self):\n3\t        return a - b"
            #expect(check5)
            let check6 = try files.list() == ["dup.txt", "shop/", "shop/cart.py"]
            #expect(check6)
            #expect(throws: WorkspaceFiles.Refusal.self) { try files.read("nope.py") }
        }
    }

    @Test func parsesSearchReplaceBlocks() {
        let reply = """
            The bug is the subtraction.

            shop/cart.py
            ```python
            <<<<<<< SEARCH
                    return a - b
            =======
                    return a + b
            >>>>>>> REPLACE
            ```

            `tests/test_new.py`
            <<<<<<< SEARCH
            =======
            def test_total():
                assert True
            >>>>>>> REPLACE
            """
        let parsed = SearchReplaceParser.parse(reply)
        #expect(parsed.problems.isEmpty)
        #expect(parsed.edits == [
            ExactEdit(path: "shop/cart.py", search: "        return a - b", replacement: "        return a + b"),
            ExactEdit(path: "tests/test_new.py", search: "", replacement: "def test_total():\n    assert True"),
        ])
    }

    @Test func anUnclosedOrNamelessBlockIsAProblemNotACrash() {
        #expect(SearchReplaceParser.parse("<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE").problems.count == 1)
        #expect(SearchReplaceParser.parse("x.py\n<<<<<<< SEARCH\na\n=======\nb\n").problems.count == 1)
    }
}
