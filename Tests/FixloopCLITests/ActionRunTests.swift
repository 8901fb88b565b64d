import FixloopTesting
import Foundation
import Testing

/// The GitHub Action's fix step (`scripts/action-run`, what action.yml runs after installing) on a recorded
/// `issues.labeled` event, with `GITHUB_API_URL` on the loopback GitHub server and a scripted model: one draft pull
/// request, and the outcome commented on the issue.
@Suite(.serialized)
struct ActionRunTests {
    static let event = ProgramRun.checkout.appendingPathComponent("Tests/Fixtures/github/issues-labeled.json")
    static let script = ProgramRun.checkout.appendingPathComponent("scripts/action-run")

    func environment(root: URL, server: URL, model: URL, eventName: String = "issues", event: URL = Self.event) -> [String: String] {
        ProgramRun.environment(home: root, [
            "GITHUB_EVENT_NAME": eventName, "GITHUB_EVENT_PATH": event.path, "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_API_URL": server.absoluteString, "GITHUB_SERVER_URL": root.appendingPathComponent("github").path,
            "GITHUB_TOKEN": "test-token", "GITHUB_RUN_ID": "4242",
            "FIXLOOP_BIN": ProgramRun.productsFolder.appendingPathComponent("fixloop").path, "FIXLOOP_MODEL": "openai:test-model",
            "OPENAI_BASE_URL": model.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": root.appendingPathComponent("state").path,
        ])
    }

    func makeRemote(_ root: URL) async throws {
        let source = root.appendingPathComponent("source")
        try await GitFixture.makeRepository(at: source, files: FixEndToEndTests.files)
        // GITHUB_SERVER_URL/acme/shop.git, the clone URL the action builds.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("github/acme"), withIntermediateDirectories: true)
        _ = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("github/acme/shop.git"))
    }

    @Test func aLabeledIssueEventOpensOneDraftPullRequestAndCommentsTheOutcome() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ProgramRun.productsFolder.appendingPathComponent("fixloop").path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-action") { root in
            try await makeRemote(root)
            let github = GitHubTestServer()
            let number = await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["fixloop"])
            #expect(number == 1, "the recorded event names issue 1")
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                try await github.run { server in
                    let run = try await ProgramRun.run(Self.script, [], in: root,
                                                       environment: environment(root: root, server: server.baseURL, model: model.baseURL))
                    #expect(run.status == 0, "\(run.transcript)")
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            #expect(pulls.count == 1 && pulls.values.first?.draft == true, "\(pulls)")
            let comments = await github.state.comments.filter { $0.issue == number }.map(\.body)
            #expect(comments.contains { $0.hasPrefix("Fixloop fixed this: https://github.com/acme/shop/pull/") && $0.contains("actions/runs/4242") }, "\(comments)")
        }
    }

    @Test func anotherLabelOrAStrangersCommentDoesNothing() async throws {
        try await withTemporaryDirectory("fixloop-action") { root in
            let other = root.appendingPathComponent("other-label.json")
            let text = try String(contentsOf: Self.event, encoding: .utf8).replacingOccurrences(of: "\"name\": \"fixloop\"", with: "\"name\": \"bug\"")
            try text.write(to: other, atomically: true, encoding: .utf8)
            let comment = root.appendingPathComponent("comment.json")
            try #"{"action": "created", "issue": {"number": 1}, "comment": {"body": "/fixloop please", "author_association": "NONE"}}"#
                .write(to: comment, atomically: true, encoding: .utf8)
            let github = GitHubTestServer()
            try await github.run { server in
                for (name, event) in [("issues", other), ("issue_comment", comment)] {
                    let run = try await ProgramRun.run(Self.script, [], in: root, environment: environment(
                        root: root, server: server.baseURL, model: URL(string: "http://127.0.0.1:9")!, eventName: name, event: event))
                    #expect(run.status == 0 && run.output.contains("nothing to do"), "\(run.transcript)")
                }
            }
            #expect(await github.state.requests.isEmpty)
        }
    }
}
