import FixloopCore
import FixloopServer
import Testing

/// The progress comment follows the engineer's typed steps.
struct ProgressStageTests {
    @Test(arguments: [
        (FixStep.triage, ProgressStage.reproducing), (.setup, .reproducing), (.baseline, .reproducing), (.reproduce, .reproducing),
        (.localize, .fixing), (.candidate(1), .fixing), (.candidate(3), .fixing), (.verify, .verifying), (.deliver, .delivering),
    ])
    func eachStepMovesTheCommentToItsStage(step: FixStep, stage: ProgressStage) {
        #expect(ProgressStage.of(step) == stage)
    }

    @Test func theRunsOwnStartAndEndMoveNothing() {
        #expect(ProgressStage.of(.run) == nil)
    }
}
