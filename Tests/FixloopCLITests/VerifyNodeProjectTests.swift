@testable import FixloopCLI
import FixloopCore
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// `fixloop verify --repo` on a tiny node project in a git repository: `node --test` in the real sandbox, the
/// failing test's id before the patch passing after it.
struct VerifyNodeProjectTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/node-calc")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/node"), "needs node at /usr/bin/node"))
    func aNodeProjectsFailingTestPassesAfterThePatchUnderTheSameID() async throws {
        try await withTemporaryDirectory { root in
            let repository = root.appendingPathComponent("repo")
            try FileManager.default.copyItem(at: Self.fixture.appendingPathComponent("project"), to: repository)
            let copy = try await GitWorkingCopy.initialize(at: repository)
            _ = try await copy.commitAll(message: "base", author: GitSignature(name: "t", email: "t@example.com"))
            let result = await runFixloop([
                "verify", "--state-dir", root.appendingPathComponent("state").path, "--repo", repository.path,
                "--patch", Self.fixture.appendingPathComponent("gold.patch").path, "--test", "node --test", "--json",
            ], environment: ["PATH": "/usr/bin:/bin", "HOME": root.path])
            #expect(result.status == 0, "\(result.output)")
            let json = try #require(result.output.firstIndex(of: "{").map { String(result.output[$0...]) })
            let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let id = "test/calc.test.js::divide > six by two"
            #expect(report["fail_to_pass"] as? [String: String] == [id: "passed"])
            let before = report["before"] as? [String: Any]
            #expect((before?["outcomes"] as? [String: String])?[id] == "failed")
            #expect(before?["sources"] as? [String] == ["node-test-report"])
        }
    }
}
