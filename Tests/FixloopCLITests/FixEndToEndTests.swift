@testable import FixloopCLI
import FixloopCore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop fix` from the command line: a Python repository with a planted bug, a scripted model on a loopback
/// OpenAI-compatible server, the real sandbox, and a loopback GitHub server that receives the pull request.
@Suite(.serialized)
struct FixEndToEndTests {
    static let files = [
        "shop/__init__.py": "",
        "shop/cart.py": "def total(prices):\n    \"\"\"Sum of the prices, in cents.\"\"\"\n    result = 0\n    for price in prices:\n        result -= price\n    return result\n\n\ndef count(prices):\n    return len(prices)\n",
        "tests/__init__.py": "",
        "tests/test_cart.py": "from shop.cart import count, total\n\n\ndef test_total_of_two():\n    assert total([100, 250]) == 350\n\n\ndef test_count():\n    assert count([1, 2]) == 2\n\n\ndef test_empty():\n    assert total([]) == 0\n",
        ".fixloop.toml": "test = \"python3 -m pytest -rA -p no:cacheprovider\"\n",
        ".github/workflows/ci.yml": "on: push\n",
    ]

    static let ticket = """
        # Cart total is negative

        Adding two items shows a negative total. `test_total_of_two` fails:

        ```
        tests/test_cart.py::test_total_of_two FAILED
        assert -350 == 350
        ```
        """

    struct Scene {
        let root: URL
        let remote: URL
        let ticketFile: URL
        let state: URL
    }

    func makeScene(_ root: URL, files: [String: String] = Self.files, ticket: String = Self.ticket) async throws -> Scene {
        let source = root.appendingPathComponent("source")
        try await GitFixture.makeRepository(at: source, files: files)
        let remote = try await GitFixture.makeBareRemote(from: source, at: root.appendingPathComponent("shop.git"))
        let ticketFile = root.appendingPathComponent("ticket.md")
        try ticket.write(to: ticketFile, atomically: true, encoding: .utf8)
        return Scene(root: root, remote: remote, ticketFile: ticketFile, state: root.appendingPathComponent("state"))
    }

    static let triageBug = ModelServerStep.text(#"{"class": "bug", "reason": "a wrong total is a defect"}"#)

    static func fixCall(search: String = "        result -= price", replace: String = "        result += price", path: String = "shop/cart.py") -> ScriptedToolCall {
        ScriptedToolCall(id: "call-edit", name: "replace", arguments: .object([
            "path": .string(path), "search": .string(search), "replace": .string(replace)]))
    }

    static let submitCall = ScriptedToolCall(id: "call-submit", name: "submit", arguments: .object([
        "root_cause": .string("total subtracted each price instead of adding it. Every cart showed a negative total."),
        "summary": .string("Add prices in total()."),
    ]))

    func run(_ arguments: [String], model: LoopbackModelServer, github: LoopbackServer?, scene: Scene) async -> (Int32, String) {
        var environment = [
            "OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key", "FIXLOOP_HOME": scene.state.path,
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": scene.root.path,
        ]
        if let github {
            environment["GITHUB_API_URL"] = github.baseURL.absoluteString
            environment["GITHUB_TOKEN"] = "test-token"
        }
        var (status, text) = await runFixloop(arguments, environment: environment)
        if status != 0, let runs = try? FileManager.default.contentsOfDirectory(atPath: scene.state.appendingPathComponent("runs").path) {
            for run in runs {
                text += "\n--- trajectory \(run)\n" + ((try? String(contentsOfFile: scene.state.appendingPathComponent("runs/\(run)/trajectory.jsonl").path, encoding: .utf8)) ?? "")
            }
        }
        return (status, text)
    }

    func fixArguments(_ scene: Scene, _ extra: [String] = []) -> [String] {
        ["fix", "--ticket", scene.ticketFile.path, "--repo", scene.remote.path, "--model", "openai:test-model", "--json"] + extra
    }

    func json(_ fullText: String) throws -> [String: Any] {
        let text = fullText.components(separatedBy: "\n--- trajectory").first ?? fullText
        let start = try #require(text.firstIndex(of: "{"))
        let end = try #require(text.lastIndex(of: "}"))
        return try #require(try JSONSerialization.jsonObject(with: Data(text[start...end].utf8)) as? [String: Any])
    }

    @Test func whileItWorksFixWritesItsRunIDFirstThenOneLinePerStepAndKeepsStandardOutputForTheResult() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(Self.triageBug, .toolCalls([Self.fixCall(), Self.submitCall]))
                let output = Mutex("")
                let errors = Mutex("")
                let status = await Fixloop.run(
                    arguments: fixArguments(scene, ["--no-pr"]),
                    environment: ["OPENAI_BASE_URL": model.baseURL.absoluteString, "OPENAI_API_KEY": "sk-test-key",
                                  "FIXLOOP_HOME": scene.state.path, "HOME": scene.root.path,
                                  "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"],
                    output: { text in output.withLock { $0 += text } }, errors: { text in errors.withLock { $0 += text } })
                let stdout = output.withLock { $0 }
                let lines = errors.withLock { $0 }.split(separator: "\n").map(String.init).filter { $0.hasPrefix("fix: ") }
                #expect(status == 0, "\(stdout)\n\(lines)")
                let report = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], "stdout is the JSON alone")
                let runID = try #require(report["run_id"] as? String)
                #expect(lines.first == "fix: run \(runID) (fixloop show \(runID) for every step)")
                let steps = lines.dropFirst().compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }
                var order: [String] = []
                for step in steps where order.last != step { order.append(step) }
                #expect(order == ["triage", "baseline", "reproduce", "localize", "candidate-1", "verify", "deliver"], "\(lines)")
                #expect(lines.contains("fix: candidate-1 · model turn"))
                #expect(lines.contains { $0.hasPrefix("fix: candidate-1 · tests: ") && $0.contains("passed") }, "\(lines)")
            }
        }
    }

    @Test func fixesInOneTurnAndOpensADraftPullRequest() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            let github = GitHubTestServer()
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(Self.triageBug, .toolCalls([Self.fixCall(), Self.submitCall]))
                try await github.run { server in
                    let (status, text) = await run(fixArguments(scene, ["--pr-repo", "acme/shop"]), model: model, github: server, scene: scene)
                    let report = try json(text)
                    #expect(status == 0, "\(text)")
                    #expect(report["outcome"] as? String == "fixed")
                    #expect(report["reproduction"] as? [String] == ["tests/test_cart.py::test_total_of_two"])
                    #expect((report["pr_url"] as? String)?.contains("/pull/") == true)
                    #expect((report["verification"] as? [String: Any])?["resolved"] as? Bool == true)
                    let branch = try #require(report["branch"] as? String)
                    #expect(branch.hasPrefix("fixloop/ticket-cart-total-is-negative"))
                    let pushed = try await GitFixture.revParse("refs/heads/\(branch)", in: scene.remote)
                    #expect(pushed != nil)
                    let cart = try await GitCommandLine.run(["show", "\(branch):shop/cart.py"], in: scene.remote).output
                    #expect(cart.contains("result += price"))
                    let (shown, trajectory) = await run(["show", "latest"], model: model, github: server, scene: scene)
                    #expect(shown == 0)
                    #expect(trajectory.contains(": fixed") && trajectory.contains("candidate-1 · tool_replace") && trajectory.contains("deliver · pr_opened"))
                }
            }
            let pulls = await github.state.pullRequests["acme/shop"] ?? [:]
            let pull = try #require(pulls.values.first)
            #expect(pulls.count == 1 && pull.draft && pull.base == "main")
            #expect(pull.body.contains("## Root cause") && pull.body.contains("test_total_of_two"))
        }
    }

    @Test func aNonMatchingEditThenAWrongFixThenTheRightOne() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(
                    Self.triageBug,
                    .toolCalls([Self.fixCall(search: "        result = result - price", replace: "x")]),
                    .toolCalls([Self.fixCall(replace: "        result += price * 2"), Self.submitCall]),
                    .toolCalls([Self.fixCall(search: "        result += price * 2", replace: "        result += price"), Self.submitCall]))
                let (status, text) = await run(fixArguments(scene, ["--no-pr"]), model: model, github: nil, scene: scene)
                let report = try json(text)
                #expect(status == 0, "\(text)")
                #expect(report["outcome"] as? String == "fixed")
                #expect(report["turns"] as? Int == 3)
                let requests = await model.received()
                let feedback = requests.last.map { "\($0.body)" } ?? ""
                #expect(feedback.contains("was not found") || feedback.contains("not found"))
                let patch = try String(contentsOfFile: try #require(report["patch_file"] as? String), encoding: .utf8)
                #expect(patch.contains("+        result += price\n"))
            }
        }
    }

    @Test func theTurnBudgetEndsTheRunAsNotFixed() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(Self.triageBug, .toolCalls([Self.fixCall(replace: "        result += price * 3"), Self.submitCall]),
                                    .toolCalls([Self.fixCall(search: "        result += price * 3", replace: "        result += price * 4"), Self.submitCall]))
                let (status, text) = await run(fixArguments(scene, ["--no-pr", "--max-turns", "2"]), model: model, github: nil, scene: scene)
                let report = try json(text)
                #expect(status == 1)
                #expect(report["outcome"] as? String == "not_fixed")
                #expect((report["reason"] as? String)?.hasPrefix("turns") == true)
            }
        }
    }

    @Test func aPatchThatEditsAWorkflowOrDeletesTheFailingTestIsRefused() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                let deleteTest = Self.fixCall(search: "def test_total_of_two():\n    assert total([100, 250]) == 350\n", replace: "", path: "tests/test_cart.py")
                let workflow = ScriptedToolCall(id: "w", name: "write_file", arguments: .object(["path": .string(".github/workflows/ci.yml"), "content": .string("on: never\n")]))
                await model.enqueue(Self.triageBug, .toolCalls([Self.fixCall(), workflow, Self.submitCall]), .toolCalls([deleteTest, Self.submitCall]))
                let (status, text) = await run(fixArguments(scene, ["--no-pr", "--max-turns", "2"]), model: model, github: nil, scene: scene)
                let report = try json(text)
                #expect(status == 1)
                #expect(report["outcome"] as? String == "not_fixed")
                let bodies = await model.received().map { "\($0.body)" }.joined()
                #expect(bodies.contains("protected_path"))
            }
        }
    }

    @Test func aFixThatBreaksATestThatPassedBeforeIsSentBack() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                let breakCount = Self.fixCall(search: "    return len(prices)", replace: "    return 0", path: "shop/cart.py")
                let restoreCount = Self.fixCall(search: "    return 0", replace: "    return len(prices)", path: "shop/cart.py")
                await model.enqueue(Self.triageBug, .toolCalls([Self.fixCall(), breakCount, Self.submitCall]),
                                    .toolCalls([restoreCount, Self.submitCall]))
                let (status, text) = await run(fixArguments(scene, ["--no-pr", "--max-turns", "2"]), model: model, github: nil, scene: scene)
                #expect(status == 0, "\(text)")
                let turns = try json(text)["turns"] as? Int
                #expect(turns == 2, "the first submission was refused by the loop, not by the final verification")
                let feedback = await model.received().map { "\($0.body)" }.joined()
                #expect(feedback.contains("test_count passed before and is now failed"))
            }
        }
    }

    @Test func aFeatureRequestIsNotABug() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await makeScene(root, ticket: "# Please add dark mode\n\nIt would be nice.")
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(.text(#"{"class": "feature_request", "reason": "asks for a new theme"}"#))
                let (status, text) = await run(fixArguments(scene, ["--no-pr"]), model: model, github: nil, scene: scene)
                let report = try json(text)
                #expect(status == 1)
                #expect(report["outcome"] as? String == "not_a_bug")
                #expect(await model.remainingSteps() == 0)
            }
        }
    }

    @Test func aTicketWithoutAFailingTestGetsAReproductionFirst() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            var files = Self.files
            files["tests/test_cart.py"] = "from shop.cart import count, total\n\n\ndef test_count():\n    assert count([1, 2]) == 2\n\n\ndef test_empty():\n    assert total([]) == 0\n"
            let scene = try await makeScene(root, files: files, ticket: "# Cart total is negative\n\nTwo items at 1.00 and 2.50 show -3.50 instead of 3.50.")
            try await withLoopbackModelServer(.openAI) { model in
                let reproduction = "tests/test_fixloop_reproduction.py\n<<<<<<< SEARCH\n=======\nfrom shop.cart import total\n\n\ndef test_total_is_positive():\n    assert total([100, 250]) == 350\n>>>>>>> REPLACE\n"
                await model.enqueue(Self.triageBug, .text(reproduction), .toolCalls([Self.fixCall(), Self.submitCall]))
                let (status, text) = await run(fixArguments(scene, ["--no-pr"]), model: model, github: nil, scene: scene)
                let report = try json(text)
                #expect(status == 0, "\(text)")
                #expect(report["reproduction_written"] as? Bool == true)
                #expect((report["reproduction"] as? [String])?.first?.contains("test_total_is_positive") == true)
                #expect((report["diff"] as? String)?.contains("tests/test_fixloop_reproduction.py") == true)
            }
        }
    }
}

@Suite(.serialized)
struct FixCandidatesAndBudgetTests {
    let e2e = FixEndToEndTests()

    @Test func ofTwoVerifiedCandidatesTheSmallerChangeIsDelivered() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await e2e.makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                let larger = ScriptedToolCall(id: "big", name: "replace", arguments: .object([
                    "path": .string("shop/cart.py"),
                    "search": .string("    result = 0\n    for price in prices:\n        result -= price\n    return result"),
                    "replace": .string("    result = 0\n    for price in prices:\n        result = result + price\n    result = int(result)\n    return result"),
                ]))
                await model.enqueue(FixEndToEndTests.triageBug,
                                    .toolCalls([larger, FixEndToEndTests.submitCall]),
                                    .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                let (status, text) = await e2e.run(e2e.fixArguments(scene, ["--no-pr", "--candidates", "2"]), model: model, github: nil, scene: scene)
                #expect(status == 0, "\(text)")
                let report = try e2e.json(text)
                let candidates = try #require(report["candidates"] as? [[String: Any]])
                #expect(candidates.count == 2 && candidates.allSatisfy { $0["fixed"] as? Bool == true })
                #expect((report["diff"] as? String)?.contains("+        result += price") == true)
                #expect((report["diff"] as? String)?.contains("int(result)") == false)
            }
        }
    }

    @Test func aMoneyBudgetStopsTheRunAsNotFixedAndNamesTheBudget() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await e2e.makeScene(root)
            let config = root.appendingPathComponent("fixloop.toml")
            try "[prices.\"openai:test-model\"]\ninput = 1.0\noutput = 1.0\n".write(to: config, atomically: true, encoding: .utf8)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(replace: "        result += 2 * price"), FixEndToEndTests.submitCall]))
                let (status, text) = await e2e.run(
                    e2e.fixArguments(scene, ["--no-pr", "--max-cost", "0.003", "--config", config.path]), model: model, github: nil, scene: scene)
                #expect(status == 1, "\(text)")
                let report = try e2e.json(text)
                #expect(report["outcome"] as? String == "not_fixed")
                #expect((report["reason"] as? String)?.contains("budgets.per_run_usd") == true, "\(report["reason"] ?? "")")
                #expect((report["cost"] as? Double ?? 1) <= 0.003)
                #expect(report["turns"] as? Int == 0, "the triage call fits the budget, the first edit call does not")
            }
        }
    }

    @Test func anUnpricedModelUnderABudgetIsRefusedBeforeAnyWork() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await e2e.makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                let (status, text) = await e2e.run(e2e.fixArguments(scene, ["--no-pr", "--max-cost", "2"]), model: model, github: nil, scene: scene)
                #expect(status == 2, "\(text)")
                #expect(text.contains("[fix.budget_refused]") && text.contains("has no price"), "\(text)")
                // The message gives the exact lines to add to fixloop.toml.
                #expect(text.contains("[prices.\"openai:test-model\"]\n  input = ") && text.contains("\n  output = "), "\(text)")
                #expect(await model.received().isEmpty, "no model call was made")
                let runs = (try? FileManager.default.contentsOfDirectory(atPath: scene.state.appendingPathComponent("runs").path)) ?? []
                #expect(runs.isEmpty, "no run was started: \(runs)")
                let workspaces = (try? FileManager.default.contentsOfDirectory(atPath: scene.state.appendingPathComponent("workspaces").path)) ?? []
                #expect(workspaces.isEmpty, "no workspace was made: \(workspaces)")
            }
        }
    }

    /// The README's command shape: a shipped price lets `--max-cost` work with no `[prices]` of one's own.
    @Test func theReadmeCommandWithAShippedPriceAndAMoneyBudgetIsNotRefused() async throws {
        try await withTemporaryDirectory("fixloop-e2e") { root in
            let scene = try await e2e.makeScene(root)
            try await withLoopbackModelServer(.openAI) { model in
                await model.enqueue(FixEndToEndTests.triageBug, .toolCalls([FixEndToEndTests.fixCall(), FixEndToEndTests.submitCall]))
                let arguments = ["fix", "--ticket", scene.ticketFile.path, "--repo", scene.remote.path, "--model", "openai:gpt-4.1",
                                 "--max-cost", "2", "--no-pr", "--json"]
                let (status, text) = await e2e.run(arguments, model: model, github: nil, scene: scene)
                #expect(status == 0, "\(text)")
                let report = try e2e.json(text)
                #expect(report["outcome"] as? String == "fixed")
                let cost = try #require(report["cost"] as? Double, "a priced run reports its cost: \(report["cost"] ?? "nil")")
                #expect(cost > 0 && cost <= 2)
                #expect(await model.received().count == 2)
            }
        }
    }
}
