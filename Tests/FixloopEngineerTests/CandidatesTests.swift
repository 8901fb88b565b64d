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
            // The first candidate fixes the bug with a comment (3 lines), the second with one changed line (2).
            let wordy = Scene.replace("        result -= price", "        # add, do not subtract\n        result += price")
            let model = ScriptedModelClient(steps: [
                .toolCalls([wordy, Scene.submit]), .toolCalls([Scene.replace("        result -= price", "        result += price"), Scene.submit]),
            ])
            let candidates = Candidates(
                engineer: scene.engineer(model), format: try scene.engineer(model).editFormat(), baseline: try await scene.baseline(),
                reproduction: Reproduction.Found(tests: [Scene.failingTest], written: false), deadline: .now + .seconds(600))
            let outcome = try await candidates.run(count: 2, from: scene.workspace, baseCommit: scene.baseCommit, scratch: scene.scratch,
                                                   system: "system", task: "task")
            #expect(outcome.summaries.map(\.fixed) == [true, true])
            #expect(outcome.summaries.map(\.changedLines) == [3, 2])
            #expect(outcome.reason == "candidate 2 chosen")
            #expect(outcome.chosen?.directory.lastPathComponent == "candidate-2")
            #expect(try String(contentsOf: scene.workspace.appendingPathComponent("shop/cart.py"), encoding: .utf8) == Scene.cart)
        }
    }
}
