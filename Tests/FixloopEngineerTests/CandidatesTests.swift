@testable import FixloopEngineer
import FixloopCore
import FixloopTesting
import Foundation
import Testing

/// Several attempts and the choice between the fixed ones.
@Suite(.serialized)
struct CandidatesTests {
    typealias Scene = EngineerScene

    @Test func fewestChangedLinesWinOverAgreementAndOrder() {
        #expect(Candidates.choose([(1, 4, "a"), (2, 4, "a"), (3, 2, "b")]) == 3)
    }

    @Test func amongEqualSizesTheChangeMostCandidatesAgreeOnWins() {
        #expect(Candidates.choose([(1, 2, "a"), (2, 2, "b"), (3, 2, "b")]) == 2)
    }

    @Test func amongEqualSizesWithoutAgreementTheEarliestWins() {
        #expect(Candidates.choose([(1, 2, "a"), (2, 2, "b"), (3, 2, "c")]) == 1)
    }

    @Test func patchesThatDifferOnlyInIndexLinesAgree() {
        let (first, second) = ("diff --git a/x b/x\nindex 111..222\n-a\n+b", "diff --git a/x b/x\nindex 333..444\n-a\n+b")
        #expect(Candidates.choose([(1, 2, "other"), (2, 2, first), (3, 2, second)]) == 2)
    }

    @Test func eachCandidateWorksInItsOwnCopyAndTheSmallestFixIsChosen() async throws {
        try await Scene.with { scene in
            // One candidate fixes the bug with a comment (3 lines), the other with one changed line (2); they run at
            // once, so which gets which reply is not fixed: the smaller change wins either way.
            let wordy = Scene.replace("        result -= price", "        # add, do not subtract\n        result += price")
            let model = ScriptedModelClient(steps: [
                .toolCalls([wordy, Scene.submit]), .toolCalls([Scene.replace("        result -= price", "        result += price"), Scene.submit]),
            ])
            let outcome = try await candidates(scene, model).run(
                count: 2, from: scene.workspace, baseCommit: scene.baseCommit, scratch: scene.scratch, system: "system", task: "task")
            #expect(outcome.summaries.map(\.index) == [1, 2])
            #expect(outcome.summaries.map(\.fixed) == [true, true])
            #expect(outcome.summaries.map(\.changedLines).sorted() == [2, 3])
            let chosen = try #require(outcome.chosen)
            #expect(chosen.diff.changedLines == 2)
            #expect(outcome.reason == "candidate \(chosen.directory.lastPathComponent.dropFirst("candidate-".count)) chosen")
            let other = scene.scratch.appendingPathComponent(chosen.directory.lastPathComponent == "candidate-1" ? "candidate-2" : "candidate-1")
            #expect(try String(contentsOf: other.appendingPathComponent("shop/cart.py"), encoding: .utf8).contains("# add, do not subtract"))
            #expect(try String(contentsOf: scene.workspace.appendingPathComponent("shop/cart.py"), encoding: .utf8) == Scene.cart)
        }
    }

    @Test func candidatesRunAtOnceWhileTheirTestRunsTakeTurnsForTheJobSlots() async throws {
        try await Scene.with { scene in
            let fix = Scene.replace("        result -= price", "        result += price")
            let model = OverlapCountingModel(ScriptedModelClient(steps: Array(repeating: .toolCalls([fix, Scene.submit]), count: 3),
                                                                 delay: .milliseconds(400)))
            let sandbox = CountingSandbox(scene.sandbox)
            var settings = EngineerSettings()
            settings.jobs = 1
            let outcome = try await candidates(scene, model, settings: settings, tests: scene.tests(on: sandbox)).run(
                count: 3, from: scene.workspace, baseCommit: scene.baseCommit, scratch: scene.scratch, system: "system", task: "task")
            #expect(outcome.summaries.map(\.fixed) == [true, true, true])
            #expect(await model.mostAtOnce == 3, "the three model calls overlap")
            #expect(await sandbox.runs == 3)
            #expect(await sandbox.mostAtOnce == 1, "one test run at a time with --jobs 1")
            for index in 1...3 {
                let cart = scene.scratch.appendingPathComponent("candidate-\(index)/shop/cart.py")
                #expect(try String(contentsOf: cart, encoding: .utf8).contains("result += price"))
            }
            #expect(outcome.reason == "candidate 1 chosen", "equal changes: the earliest")
        }
    }

    @Test func theFirstAcceptedCandidateStopsTheOthersWhenAskedTo() async throws {
        try await Scene.with { scene in
            // Whichever candidate gets the fix is accepted after one test run; the other keeps reading files until stopped.
            let fix = Scene.replace("        result -= price", "        result += price")
            let read = Scene.call("call-read", "read_file", ["path": .string("shop/cart.py")])
            let list = Scene.call("call-list", "list_files", [:])
            let browsing: [ScriptedModelClient.Step] = (0..<40).map { .toolCalls([$0.isMultiple(of: 2) ? list : read]) }
            let model = ScriptedModelClient(steps: [.toolCalls([fix, Scene.submit])] + browsing, delay: .milliseconds(200))
            var settings = EngineerSettings()
            settings.firstFixWins = true
            settings.maxTurns = 60
            let outcome = try await candidates(scene, model, settings: settings).run(
                count: 2, from: scene.workspace, baseCommit: scene.baseCommit, scratch: scene.scratch, system: "system", task: "task")
            #expect(outcome.summaries.filter(\.fixed).count == 1)
            #expect(outcome.summaries.contains { !$0.fixed && $0.reason.hasPrefix("stopped: another candidate was accepted first") })
            #expect(outcome.chosen != nil)
            #expect(await model.calls < 41, "the other candidate was stopped before the script ran out")
        }
    }

    func candidates(_ scene: Scene, _ model: any ModelClient, settings: EngineerSettings = EngineerSettings(),
                    tests: SandboxedTests? = nil) async throws -> Candidates {
        let engineer = scene.engineer(model, settings: settings, tests: tests)
        return Candidates(engineer: engineer, format: try engineer.editFormat(), baseline: try await scene.baseline(),
                          reproduction: Reproduction.Found(tests: [Scene.failingTest], written: false), deadline: .now + .seconds(600))
    }
}
