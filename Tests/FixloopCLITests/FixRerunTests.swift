@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// Reruns of one ticket: the same branch and pull request, never a second one; a run killed mid-loop is seen as
/// interrupted and a rerun completes.
@Suite(.serialized)
struct FixRerunTests {
    let e2e = FixEndToEndTests()

    @Test func aSecondRunForTheSameGitHubTicketUpdatesTheSamePullRequest() async throws {
        try await withTemporaryDirectory("fixloop-rerun") { root in
            let scene = try await e2e.makeScene(root)
            let github = GitHubTestServer()
            let number = await github.state.addIssue("acme/shop", title: "Cart total is negative", body: FixEndToEndTests.ticket, labels: ["bug"])
            try await withLoopbackModelServer(.openAI) { model in
                try await github.run { server in
                    var urls: [String] = []
                    for _ in 1...2 {
                        await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                        let arguments = ["fix", "--ticket", "gh:acme/shop#\(number)", "--repo", scene.remote.path, "--model", "openai:test-model", "--json"]
                        let (status, text) = await e2e.run(arguments, model: model, github: server, scene: scene)
                        #expect(status == 0, "\(text)")
                        urls.append(try e2e.json(text)["pr_url"] as? String ?? "")
                    }
                    #expect(urls[0] == urls[1] && !urls[0].isEmpty)
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            #expect(pulls.count == 1)
            #expect(pulls.values.first?.head == "fixloop/gh-acme-shop-\(number)-cart-total-is-negative")
            let comments = await github.state.comments.filter { $0.issue == number }.map(\.body)
            #expect(comments.count == 2)
            #expect(comments.first?.contains("opened a draft pull request") == true && comments.last?.contains("updated") == true)
        }
    }

    @Test func aRunKilledMidLoopIsInterruptedAndARerunCompletes() async throws {
        let binary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("fixloop")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the fixloop product first")
        try await withTemporaryDirectory("fixloop-kill") { root in
            let scene = try await e2e.makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .hang(.seconds(60)))
                let process = Process()
                process.executableURL = binary
                process.arguments = ["fix", "--ticket", scene.ticketFile.path, "--repo", scene.remote.path, "--model", "openai:test-model", "--no-pr"]
                process.environment = [
                    "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test", "FIXLOOP_HOME": scene.state.path,
                    "HOME": root.path, "PATH": "/usr/bin:/bin",
                ]
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                let runs = scene.state.appendingPathComponent("runs")
                var reachedLoop = false
                for _ in 0..<300 where !reachedLoop {
                    try await Task.sleep(for: .milliseconds(100))
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? []
                    reachedLoop = names.contains { name in
                        ((try? String(contentsOfFile: runs.appendingPathComponent("\(name)/trajectory.jsonl").path, encoding: .utf8)) ?? "").contains("\"localize\"")
                    }
                }
                #expect(reachedLoop)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                let (_, shown) = await e2e.run(["show", "latest"], model: model, github: nil, scene: scene)
                #expect(shown.contains(": interrupted"), "\(shown)")

                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                let (status, text) = await e2e.run(e2e.fixArguments(scene, ["--no-pr"]), model: model, github: nil, scene: scene)
                #expect(status == 0, "\(text)")
                let active = (try? FileManager.default.contentsOfDirectory(atPath: scene.state.appendingPathComponent("workspaces/active").path)) ?? []
                #expect(active.isEmpty, "a killed run's checkout was swept: \(active)")
            }
        }
    }
}
