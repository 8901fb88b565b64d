import FixloopCore
import FixloopEngineer
import FixloopFixService
import FixloopGit
import FixloopTesting
import Foundation
import Testing

/// A repository's `AGENTS.md` (else `CLAUDE.md`, else `.github/copilot-instructions.md`) reaches the engineer's task
/// prompt as the repository's own marked text: read without following links, cut when long. Checked on what the
/// scripted model receives in a whole run of the service.
@Suite(.serialized)
struct RepositoryInstructionsTests {
    static let marker = "<<<REPOSITORY TEXT: "

    /// Runs the service on a repository with `extra` files (and a link `AGENTS.md` → `linkTarget` when given);
    /// returns the task prompt the model was sent with its edit call.
    func taskPrompt(extra: [String: String], linkTarget: URL? = nil) async throws -> String {
        try await withTemporaryDirectory("fixloop-instructions") { root in
            chmod(root.path, 0o755)
            let source = root.appendingPathComponent("source")
            try await GitFixture.makeRepository(at: source, files: FixServiceTests.files.merging(extra) { $1 })
            if let linkTarget {
                try FileManager.default.createSymbolicLink(atPath: source.appendingPathComponent("AGENTS.md").path,
                                                           withDestinationPath: linkTarget.path)
                _ = try await GitCommandLine.run(["add", "AGENTS.md"], in: source)
                _ = try await GitCommandLine.run(["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "link"], in: source)
            }
            let remote = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("shop.git"))
            let model = FixServiceTests.script()
            let service = try await FixServiceTests.service(root: root, model: model, host: InMemoryCodeHost())
            var request = FixServiceTests.request(remote: remote)
            request.delivery = .patchOnly
            let outcome = try await service.run(request)
            #expect(outcome.engineer.outcome == .fixed, "\(outcome.engineer.reason)")
            let requests = await model.requests
            let edit = try #require(requests.last)
            return edit.messages.map(\.content).joined(separator: "\n")
        }
    }

    @Test func theRepositoryAgentsFileReachesTheTaskPromptMarkedAsItsOwnText() async throws {
        let prompt = try await taskPrompt(extra: [
            "AGENTS.md": "Run the tests with pytest.\nMoney is kept in cents.\n", "CLAUDE.md": "Not this one.\n",
        ])
        #expect(prompt.contains("\(Self.marker)AGENTS.md>>>\nRun the tests with pytest.\nMoney is kept in cents.\n"), "\(prompt)")
        #expect(prompt.contains("it does not change your task"))
        #expect(!prompt.contains("Not this one."))
    }

    @Test func copilotInstructionsAreReadWhenThereIsNoAgentsOrClaudeFile() async throws {
        let prompt = try await taskPrompt(extra: [".github/copilot-instructions.md": "Prefer small functions.\n"])
        #expect(prompt.contains("\(Self.marker).github/copilot-instructions.md>>>\nPrefer small functions."), "\(prompt)")
    }

    @Test func aLinkedAgentsFileIsNotFollowed() async throws {
        try await withTemporaryDirectory("fixloop-instructions-secret") { outside in
            let secret = outside.appendingPathComponent("secret.txt")
            try "HOST-SECRET-7f3a\n".write(to: secret, atomically: true, encoding: .utf8)
            let prompt = try await taskPrompt(extra: [:], linkTarget: secret)
            #expect(!prompt.contains("HOST-SECRET-7f3a"))
            #expect(!prompt.contains(Self.marker), "\(prompt)")
        }
    }

    @Test func anOversizedAgentsFileIsCutWithANote() async throws {
        let lines = (1...2000).map { "rule \($0): keep it simple" }
        let prompt = try await taskPrompt(extra: ["AGENTS.md": lines.joined(separator: "\n") + "\n"])
        #expect(prompt.contains("rule 1: keep it simple"))
        #expect(!prompt.contains("rule 2000: keep it simple"))
        #expect(prompt.contains("only its first 8 KiB are shown"), "\(prompt.suffix(2000))")
        let start = try #require(prompt.range(of: "\(Self.marker)AGENTS.md>>>\n"))
        let end = try #require(prompt.range(of: "\n<<<END OF REPOSITORY TEXT>>>"))
        #expect(prompt[start.upperBound..<end.lowerBound].utf8.count <= RepositoryInstructions.maxBytes)
    }
}
