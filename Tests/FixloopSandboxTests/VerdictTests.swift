import FixloopCore
import Testing

@testable import FixloopVerify

@Suite struct VerdictTests {
    func combined(_ outcomes: [String: TestOutcome]...) -> Verdict.Combined {
        Verdict.combine(outcomes.map { TestResults(outcomes: $0, sources: ["pytest"]) })
    }

    @Test func derivesTheListsAndResolves() {
        let before = combined(["a": .passed, "b": .failed, "c": .error])
        let after = combined(["a": .passed, "b": .passed, "c": .passed, "d": .passed])
        let judgement = Verdict.judge(before: before, after: after, failToPass: [], passToPass: [], patchApplied: true)
        #expect(judgement.derived)
        #expect(judgement.failToPass == ["b": .passed, "c": .passed, "d": .passed])
        #expect(judgement.passToPass == ["a": .passed])
        #expect(judgement.resolved)
    }

    @Test func aBrokenPassToPassTestIsNotResolved() {
        let judgement = Verdict.judge(
            before: combined(["a": .passed, "b": .failed]), after: combined(["a": .failed, "b": .passed]),
            failToPass: [], passToPass: [], patchApplied: true)
        #expect(!judgement.resolved)
        #expect(judgement.passToPass == ["a": .failed])
        #expect(judgement.reason.contains("pass-to-pass"))
    }

    @Test func nothingFixedIsNotResolved() {
        let judgement = Verdict.judge(
            before: combined(["a": .passed, "b": .failed]), after: combined(["a": .passed, "b": .failed]),
            failToPass: [], passToPass: [], patchApplied: true)
        #expect(!judgement.resolved)
        #expect(judgement.failToPass.isEmpty)
    }

    @Test func givenListsMatchAcrossSpellingsAndMissingTestsFail() {
        let after = combined(["tests.test_x::test_a[1 2]": .passed, "tests.test_x::test_b": .passed])
        let judgement = Verdict.judge(
            before: combined([:]), after: after,
            failToPass: ["tests/test_x.py::test_a[1 2]", "tests/test_x.py::test_gone"],
            passToPass: ["tests/test_x.py::test_b"], patchApplied: true)
        #expect(!judgement.derived)
        #expect(judgement.failToPass == ["tests/test_x.py::test_a[1 2]": .passed, "tests/test_x.py::test_gone": .missing])
        #expect(!judgement.resolved)
    }

    @Test func aPatchThatDidNotApplyIsNeverResolved() {
        let judgement = Verdict.judge(
            before: combined(["a": .failed]), after: combined([:]), failToPass: ["a"], passToPass: [], patchApplied: false)
        #expect(!judgement.resolved)
        #expect(judgement.failToPass == ["a": .missing])
    }

    @Test func flakyTestsAreFoundAndLeftOutOfDerivedLists() {
        let before = combined(["a": .passed, "f": .passed, "b": .failed], ["a": .passed, "f": .failed, "b": .failed])
        let after = combined(["a": .passed, "f": .passed, "b": .passed], ["a": .passed, "f": .passed, "b": .passed])
        #expect(before.flaky == ["f"])
        #expect(before.outcomes["f"] == .failed)
        let judgement = Verdict.judge(before: before, after: after, failToPass: [], passToPass: [], patchApplied: true)
        #expect(judgement.failToPass == ["b": .passed])
        #expect(judgement.passToPass == ["a": .passed])
        #expect(judgement.resolved)
    }
}
