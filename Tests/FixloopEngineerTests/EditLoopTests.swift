@testable import FixloopEngineer
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// The edit loop on a real checkout with the real sandbox, driven by a scripted model: each limit, acceptance,
/// and what the model is told.
@Suite(.serialized)
struct EditLoopTests {
    typealias Scene = EngineerScene
    static let readCart = Scene.call("call-read", "read_file", ["path": .string("shop/cart.py")])
    static let listFiles = Scene.call("call-list", "list_files", [:])
    static let fix = Scene.replace("        result -= price", "        result += price")
    static let runTests = Scene.call("call-tests", "run_tests", [:])

    func settings(_ change: (inout EngineerSettings) -> Void) -> EngineerSettings {
        var settings = EngineerSettings()
        change(&settings)
        return settings
    }

    func run(_ loop: EditLoop, _ scene: Scene, acceptance: EditLoop.Acceptance? = nil) async throws -> EditLoop.Result {
        let baseline = try await scene.baseline()
        return try await loop.run(system: "system", task: "task", workspace: scene.workspace,
                                  acceptance: acceptance ?? scene.acceptance(baseline), step: .candidate(1))
    }

    func reason(_ result: EditLoop.Result) -> String {
        if case .gaveUp(let reason) = result.ending { return reason }
        return "fixed"
    }

    // MARK: Limits

    @Test func stopsAtTheTurnLimit() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: [.toolCalls([Self.readCart]), .toolCalls([Self.listFiles])])
            let result = try await run(try scene.loop(model, settings: settings { $0.maxTurns = 2 }), scene)
            #expect(reason(result).hasPrefix("turns:") && result.turns == 2)
            #expect(await model.calls == 2)
        }
    }

    @Test func stopsAtTheTokenLimit() async throws {
        try await Scene.with { scene in
            let usage = TokenUsage(inputTokens: 15, outputTokens: 5)
            let model = ScriptedModelClient(steps: [.toolCalls([Self.readCart], usage: usage), .toolCalls([Self.listFiles], usage: usage)])
            let result = try await run(try scene.loop(model, settings: settings { $0.maxTokens = 40 }), scene)
            #expect(reason(result).hasPrefix("tokens:") && result.tokens == 40)
            #expect(await model.calls == 2)
        }
    }

    @Test func stopsAtTheWallClockDeadlineBeforeCallingTheModel() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix, Scene.submit])])
            let result = try await run(try scene.loop(model, deadline: .now - .seconds(1)), scene)
            #expect(reason(result).hasPrefix("time:"))
            #expect(await model.calls == 0)
        }
    }

    @Test func givesUpWhenTheModelRepeatsTheSameAction() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: Array(repeating: .toolCalls([Self.readCart]), count: 3))
            let result = try await run(try scene.loop(model, settings: settings { $0.stuckRepeats = 3 }), scene)
            #expect(reason(result).hasPrefix("stuck:") && result.turns == 3)
        }
    }

    @Test func givesUpAfterRepliesWithNoActionAndNudgesInTheFormatsWords() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: [.text("Let me think."), .text("Still thinking.")])
            let loop = try scene.loop(model, settings: settings { $0.maxFormatErrors = 2 })
            let result = try await run(loop, scene)
            #expect(reason(result).hasPrefix("format:") && result.turns == 2)
            #expect(await model.told(before: 1) == loop.format.noActionNudge)
        }
    }

    @Test func aBudgetRefusalEndsTheAttemptAndIsNotATurn() async throws {
        try await Scene.with { scene in
            let refusal = BudgetRefusal(budget: .perRunUSD, model: "openai:test-model", limit: 1, spent: 1, estimate: 0.1)
            let model = ScriptedModelClient(steps: [.toolCalls([Self.readCart]), .refused(refusal)])
            let result = try await run(try scene.loop(model), scene)
            #expect(reason(result).hasPrefix("budget:") && reason(result).contains("budgets.per_run_usd"))
            #expect(result.turns == 1)
        }
    }

    // MARK: Acceptance and feedback

    @Test func aSubmittedFixThatPassesIsAccepted() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix, Scene.submit])])
            let result = try await run(try scene.loop(model), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            #expect(result.lastRun?.failing == [])
        }
    }

    @Test func aChangeThatPassesTheTestsButBreaksAcceptanceIsSentBack() async throws {
        try await Scene.with { scene in
            // Weakening the test makes every test pass, but no source file changed: not accepted.
            let weaken = Scene.replace("== 350", "== -350", path: "tests/test_cart.py", id: "call-weaken")
            let model = ScriptedModelClient(steps: [
                .toolCalls([weaken, Scene.submit]),
                .toolCalls([Scene.replace("== -350", "== 350", path: "tests/test_cart.py", id: "call-undo"), Self.fix, Scene.submit]),
            ])
            let result = try await run(try scene.loop(model), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            let told = await model.told(before: 1)
            #expect(told.contains("Still wrong:\n- no source file was changed yet"))
        }
    }

    @Test func aFailingRunIsFedBackWithItsFailuresAndOutput() async throws {
        try await Scene.with { scene in
            let wrong = Scene.replace("        result -= price", "        result *= price", id: "call-wrong")
            let model = ScriptedModelClient(steps: [
                .toolCalls([wrong]),
                .toolCalls([Scene.replace("        result *= price", "        result += price"), Scene.submit]),
            ])
            let result = try await run(try scene.loop(model), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            let told = await model.told(before: 1)
            #expect(told.contains("Tests after your change: 1 passed, 1 failed"))
            #expect(told.contains("- `\(Scene.failingTest)`") && told.contains("assert 0 == 350"))
            #expect(told.contains("the reproduction test \(Scene.failingTest) is failed"))
        }
    }

    @Test func aPassingChangeNotYetSubmittedIsAskedToBeSubmitted() async throws {
        try await Scene.with { scene in
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix]), .toolCalls([Scene.submit])])
            let loop = try scene.loop(model)
            let result = try await run(loop, scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            let told = await model.told(before: 1)
            #expect(told.contains("nothing that passed before fails") && told.hasSuffix(loop.format.askToSubmit))
        }
    }

    @Test func theSearchReplaceFormatEditsWithBlocksAndSubmitsWithLines() async throws {
        try await Scene.with { scene in
            let block = "shop/cart.py\n<<<<<<< SEARCH\n        result -= price\n=======\n        result += price\n>>>>>>> REPLACE\n"
            let model = ScriptedModelClient(steps: [
                .text(block), .text("ROOT CAUSE: total subtracted prices.\nSUMMARY: Add them."),
            ])
            let loop = try scene.loop(model, usesTools: false)
            let result = try await run(loop, scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            #expect(await model.requests.allSatisfy { $0.tools.isEmpty })
            #expect(await model.told(before: 1).hasSuffix(loop.format.askToSubmit))
        }
    }

    // MARK: Test runs

    @Test func aSubmitRightAfterAPassingRunReusesItInsteadOfTestingAgain() async throws {
        try await Scene.with { scene in
            let sandbox = CountingSandbox(scene.sandbox)
            // The tool runs the tests; the loop would test the edit again, and again on submit: the tree never changed.
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix, Self.runTests]), .toolCalls([Scene.submit])])
            let result = try await run(try scene.loop(model, tests: scene.tests(on: sandbox)), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            #expect(await sandbox.runs == 1)
        }
    }

    @Test func aChangeBetweenTheRunAndTheSubmitIsTestedAgain() async throws {
        try await Scene.with { scene in
            let sandbox = CountingSandbox(scene.sandbox)
            let restyle = Scene.replace("        result += price", "        result = result + price", id: "call-restyle")
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix, Self.runTests]), .toolCalls([restyle, Scene.submit])])
            let result = try await run(try scene.loop(model, tests: scene.tests(on: sandbox)), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            #expect(await sandbox.runs == 2)
            #expect(result.lastRun?.failing == [])
        }
    }

    @Test func aCommandTheModelRunsMakesTheNextTestRunReal() async throws {
        try await Scene.with { scene in
            let sandbox = CountingSandbox(scene.sandbox)
            // A command may change what the diff does not show (ignored files), so the run after it is not reused.
            let command = Scene.call("call-command", "run_command", ["command": .string("true")])
            let model = ScriptedModelClient(steps: [.toolCalls([Self.fix, Self.runTests]), .toolCalls([command, Scene.submit])])
            let result = try await run(try scene.loop(model, tests: scene.tests(on: sandbox)), scene)
            #expect(result.ending == .fixed(rootCause: "total subtracted prices.", summary: "Add them."))
            #expect(await sandbox.runs == 3, "the run, the command, and the tests again on submit")
        }
    }

    // MARK: Context budget

    @Test func aFortyTurnLoopStaysUnderItsBudgetWithTheNewestOutputWholeAndOldOnesNoted() async throws {
        var files = Scene.files
        files["docs/notes.txt"] = (1...600).map { "note \($0): " + String(repeating: "lorem ipsum ", count: 5) }.joined(separator: "\n")
        try await Scene.with(files: files) { scene in
            // Each turn reads 40 new lines (~2,900 characters): 40 turns would be ~29,000 tokens, the budget is 4,000.
            let reads: [ScriptedModelClient.Step] = (0..<40).map { turn in
                .toolCalls([Scene.call("call-\(turn)", "read_file", [
                    "path": .string("docs/notes.txt"), "start_line": .integer(turn * 10 + 1), "end_line": .integer(turn * 10 + 40),
                ])])
            }
            let model = ScriptedModelClient(steps: reads)
            let loop = try scene.loop(model, settings: settings { $0.maxTurns = 40; $0.contextTokens = 8_000 })
            let result = try await run(loop, scene)
            #expect(reason(result).hasPrefix("turns:") && result.turns == 40)
            let last = try #require(await model.requests.last)
            #expect(last.estimatedInputTokens <= 4_000, "\(last.estimatedInputTokens) tokens")
            let newest = try #require(last.messages.last)
            let lastRead = try WorkspaceFiles(root: scene.workspace).read("docs/notes.txt", from: 381, to: 420)  // turn 39: request 40 follows it
            #expect(newest.role == .tool && newest.content == lastRead)
            let note = try scene.prompts.render(ElidedOutputPrompt(turn: 3)).text
            #expect(note.contains("output of turn 3 elided") && note.contains("rerun to see it"))
            #expect(last.messages.contains { $0.role == .tool && $0.content == note })
            #expect(last.messages[0].content == "system" && last.messages[1].content == "task", "the system prompt and the task stay")
        }
    }

    @Test func theNewestTurnsOutputStaysWholeEvenWhenTheBudgetCannotBeMet() {
        let big = String(repeating: "x", count: 8_000)
        let messages: [ChatMessage] = [
            .system("system"), .user("task"), .assistant("", toolCalls: [Self.readCart]), .toolResult(id: "call-read", big),
            .user(big), .assistant("", toolCalls: [Self.listFiles]), .toolResult(id: "call-list", big),
        ]
        let fitted = ContextBudget(tokens: 1_000).fit(messages, tools: []) { "[turn \($0) elided]" }
        #expect(fitted.map(\.content) == ["system", "task", "", "[turn 1 elided]", "[turn 1 elided]", "", big])
    }
}
