import FixloopCore
import Foundation
import Testing

@testable import FixloopSandbox

@Suite struct PatchApplierTests {
    static let original = (1...40).map { "line \($0)" }.joined(separator: "\n") + "\n"

    func workspace(_ label: String, content: String = original) throws -> URL {
        let url = try SandboxSupport.temporaryDirectory(label)
        try FileManager.default.createDirectory(at: url.appendingPathComponent("src"), withIntermediateDirectories: true)
        try content.write(to: url.appendingPathComponent("src/a.txt"), atomically: true, encoding: .utf8)
        return url
    }

    func applier() async throws -> PatchApplier {
        PatchApplier(sandbox: try await SandboxSupport.sandbox(), policy: try SandboxSupport.testPolicy())
    }

    func read(_ workspace: URL, _ path: String = "src/a.txt") throws -> String {
        try String(contentsOf: workspace.appendingPathComponent(path), encoding: .utf8)
    }

    static let gitPatch = """
        diff --git a/src/a.txt b/src/a.txt
        --- a/src/a.txt
        +++ b/src/a.txt
        @@ -2,3 +2,3 @@
         line 2
        -line 3
        +line three
         line 4
        @@ -30,3 +30,3 @@
         line 30
        -line 31
        +line thirty-one
         line 32

        """

    @Test func appliesAGitDiff() async throws {
        let ws = try workspace("apply")
        defer { try? FileManager.default.removeItem(at: ws) }
        let result = try await applier().apply(Self.gitPatch, to: ws)
        #expect(result.applied)
        #expect(result.method == "git apply")
        #expect(result.files == ["src/a.txt"])
        #expect(try read(ws).contains("line three\n") && read(ws).contains("line thirty-one\n"))
    }

    @Test func appliesWithOffsetsAndWithoutGitHeaderOrPrefixes() async throws {
        let shifted = "new first\nnew second\n" + Self.original
        let ws = try workspace("offset", content: shifted)
        defer { try? FileManager.default.removeItem(at: ws) }
        let patch = Self.gitPatch.replacingOccurrences(of: "diff --git a/src/a.txt b/src/a.txt\n", with: "")
            .replacingOccurrences(of: "a/src/a.txt", with: "src/a.txt").replacingOccurrences(of: "b/src/a.txt", with: "src/a.txt")
        let result = try await applier().apply(patch, to: ws)
        #expect(result.applied)
        #expect(try read(ws).hasPrefix("new first\nnew second\nline 1\nline 2\nline three\n"))
    }

    @Test func appliesToCRLFFilesAndWithFuzz() async throws {
        let crlf = Self.original.replacingOccurrences(of: "\n", with: "\r\n")
        let ws = try workspace("crlf", content: crlf)
        defer { try? FileManager.default.removeItem(at: ws) }
        let result = try await applier().apply(Self.gitPatch, to: ws)
        #expect(result.applied)
        #expect(try read(ws).contains("line three"))

        let fuzzy = try workspace("fuzz", content: Self.original.replacingOccurrences(of: "line 32\n", with: "line 32 edited\n"))
        defer { try? FileManager.default.removeItem(at: fuzzy) }
        let fuzzed = try await applier().apply(Self.gitPatch, to: fuzzy)
        #expect(fuzzed.applied)
        #expect(fuzzed.method?.hasPrefix("patch") == true || fuzzed.method?.contains("-C1") == true)
        #expect(try read(fuzzy).contains("line thirty-one\n"))
    }

    @Test func aConflictNamesTheFileAndHunkAndChangesNothing() async throws {
        let changed = Self.original.replacingOccurrences(of: "line 31\n", with: "something else\n")
            .replacingOccurrences(of: "line 30\n", with: "other\n").replacingOccurrences(of: "line 32\n", with: "more\n")
        let ws = try workspace("conflict", content: changed)
        defer { try? FileManager.default.removeItem(at: ws) }
        let result = try await applier().apply(Self.gitPatch, to: ws)
        #expect(!result.applied)
        #expect(result.failure?.file == "src/a.txt")
        #expect(result.failure?.hunk == 2)
        #expect(try read(ws) == changed)
    }

    @Test func anEmptyPatchIsAValueNotAnError() async throws {
        let ws = try workspace("empty")
        defer { try? FileManager.default.removeItem(at: ws) }
        let result = try await applier().apply("  \n", to: ws)
        #expect(!result.applied)
        #expect(result.failure?.reason == "empty")
    }

    @Test(arguments: [
        ("../outside.txt", "climbs out"), ("/etc/passwd", "absolute"), (".git/hooks/pre-commit", "git's metadata"),
        ("src/.GIT/config", "git's metadata"), ("a/../../x", "climbs out"),
    ])
    func refusesPathsOutsideTheWorkspace(path: String, why: String) async throws {
        let ws = try workspace("refuse")
        defer { try? FileManager.default.removeItem(at: ws) }
        let patch = "--- \(path)\n+++ \(path)\n@@ -0,0 +1 @@\n+pwned\n"
        let result = try await applier().apply(patch, to: ws)
        #expect(!result.applied)
        #expect(result.failure?.reason == "refused")
        #expect(result.failure?.detail.contains(why) == true)
    }

    @Test func refusesAPatchThatCreatesASymlink() async throws {
        let ws = try workspace("symlink-mode")
        defer { try? FileManager.default.removeItem(at: ws) }
        let patch = """
            diff --git a/evil b/evil
            new file mode 120000
            --- /dev/null
            +++ b/evil
            @@ -0,0 +1 @@
            +/etc
            \\ No newline at end of file
            diff --git a/evil/pwned b/evil/pwned
            new file mode 100644
            --- /dev/null
            +++ b/evil/pwned
            @@ -0,0 +1 @@
            +pwned

            """
        let result = try await applier().apply(patch, to: ws)
        #expect(!result.applied)
        #expect(result.failure?.reason == "refused")
        #expect(!FileManager.default.fileExists(atPath: ws.appendingPathComponent("evil").path))
    }

    @Test func neverWritesThroughASymlinkAlreadyInTheWorkspace() async throws {
        let ws = try workspace("symlink-through")
        let outside = try SandboxSupport.temporaryDirectory("outside")
        defer {
            try? FileManager.default.removeItem(at: ws)
            try? FileManager.default.removeItem(at: outside)
        }
        try FileManager.default.createSymbolicLink(
            atPath: ws.appendingPathComponent("evil").path, withDestinationPath: outside.path)
        let patch = "diff --git a/evil/pwned b/evil/pwned\nnew file mode 100644\n--- /dev/null\n+++ b/evil/pwned\n@@ -0,0 +1 @@\n+pwned\n"
        let result = try await applier().apply(patch, to: ws)
        #expect(!result.applied)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    /// Latin-1 source (`café` is `caf\xe9`), patched byte for byte: no byte becomes U+FFFD on the way.
    @Test func aLatin1PatchAppliesByteForByte() async throws {
        let ws = try SandboxSupport.temporaryDirectory("latin1")
        defer { try? FileManager.default.removeItem(at: ws) }
        let latin1 = { (text: String) in Array(text.unicodeScalars.map { UInt8($0.value) }) }
        try Data(latin1("# caf\u{e9}\nname = 'caf\u{e9}'\n")).write(to: ws.appendingPathComponent("menu.py"))
        let patch = latin1("""
            --- a/menu.py
            +++ b/menu.py
            @@ -1,2 +1,2 @@
             # caf\u{e9}
            -name = 'caf\u{e9}'
            +name = 'cr\u{e8}me br\u{fb}l\u{e9}e'

            """)
        #expect(String(validating: patch, as: UTF8.self) == nil, "the patch is not UTF-8")
        let result = try await applier().apply(patch, to: ws)
        #expect(result.applied, "\(String(describing: result.failure))")
        #expect(result.files == ["menu.py"])
        let bytes = [UInt8](try Data(contentsOf: ws.appendingPathComponent("menu.py")))
        #expect(bytes == latin1("# caf\u{e9}\nname = 'cr\u{e8}me br\u{fb}l\u{e9}e'\n"))
    }
}
