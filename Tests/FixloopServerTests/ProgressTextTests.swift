import FixloopCore
import FixloopServer
import Foundation
import Testing

/// The progress comment: one line of detail per stage from the run's typed milestones, the time each stage took
/// and the time in all, who asked, and the run with the command that shows its trajectory.
struct ProgressTextTests {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static var job: Job {
        var job = Job(id: 7, ticket: "gh:acme/shop#12", repository: "acme/shop", trigger: "/fixloop fix by alice", attempts: 1, createdAt: start)
        job.requester = "alice"
        return job
    }

    /// Queued 5 s, reproduced by a written test, two candidates: the first ran out of turns, the second accepted.
    static var fixing: ProgressLog {
        var log = ProgressLog(queued: start)
        log.record(.stage(.reproducing), at: start + 5)
        log.record(.run("run-20260601-120000-ab12"), at: start + 6)
        log.record(.milestone(.reproduced(tests: ["tests/test_cart.py::test_total"], written: true)), at: start + 40)
        log.record(.stage(.fixing), at: start + 46)
        log.record(.milestone(.candidateEnded(index: 1, of: 2, accepted: false, tests: [.passed: 3, .failed: 1],
                                              reason: "turns: the limit of 30 turns was reached")), at: start + 100)
        log.record(.milestone(.candidateEnded(index: 2, of: 2, accepted: true, tests: [.passed: 4], reason: "tests pass")), at: start + 110)
        return log
    }

    @Test func eachStageShowsItsTimeAndWhatItFound() {
        let text = ProgressText.running(Self.job, log: Self.fixing, now: Self.start + 125)
        #expect(text.contains("**Fixloop** is working on this issue for @alice (job 7, attempt 1 of 3; /fixloop fix by alice)."))
        #expect(text.contains("- [x] queued · 5s\n"))
        #expect(text.contains("- [x] reproducing · 41s · `tests/test_cart.py::test_total` fails before the change (a test Fixloop wrote)\n"))
        #expect(text.contains("- [x] fixing ← · 1m19s so far · candidate 1 of 2: 3 passed, 1 failed — turns: the limit of 30 turns was reached; "
            + "candidate 2 of 2: 4 passed — accepted\n"))
        #expect(text.contains("- [ ] verifying\n- [ ] delivering\n"))
        #expect(text.hasSuffix("2m05s in all · run `run-20260601-120000-ab12` (`fixloop show run-20260601-120000-ab12` on the server shows every step)"))
    }

    @Test func theFinalCommentKeepsTheStagesAndSaysWhatVerificationFound() {
        var log = Self.fixing
        log.record(.milestone(.verified(resolved: false, stillFailing: ["tests/test_cart.py::test_total"], broken: ["tests/test_cart.py::test_empty"],
                                        reason: "unresolved")), at: Self.start + 150)
        let text = ProgressText.finished(Self.job, outcome: JobOutcome(state: .failed, summary: "verification: unresolved", costUSD: 0.12),
                                         log: log, now: Self.start + 160)
        #expect(text.contains("- [x] fixing · 1m44s · candidate 1 of 2"))
        #expect(text.contains("- [x] verifying · 10s · unresolved: `tests/test_cart.py::test_total` still fails; "
            + "`tests/test_cart.py::test_empty` passed before and fails now"))
        #expect(!text.contains("←"), "nothing is current once the job ended")
        #expect(text.contains("2m40s in all · run `run-20260601-120000-ab12`"))
    }

    @Test func aReproductionThatFailedAndAJobThatNamesNobodySayJustThat() {
        var job = Self.job
        job.requester = nil
        var log = ProgressLog(queued: Self.start)
        log.record(.milestone(.reproduced(tests: [], written: false)), at: Self.start + 30)
        let text = ProgressText.running(job, log: log, now: Self.start + 31)
        #expect(text.contains("is working on this issue (job 7"))
        #expect(text.contains("- [x] reproducing ← · 1s so far · no failing test reproduced the bug"))
        #expect(text.contains("31s in all\n") || text.hasSuffix("31s in all"))
    }

    @Test func aLateEventOfAnEarlierStageMovesNothingBack() {
        var log = Self.fixing
        let moved = log.record(.stage(.reproducing), at: Self.start + 200)
        #expect(!moved)
        #expect(log.current == .fixing && log.began[.reproducing] == Self.start + 5)
    }
}
