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
}
