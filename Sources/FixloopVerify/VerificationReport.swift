import FixloopCore
import FixloopSandbox

/// The evidence and the verdict of one verification, in the shape `fixloop verify --json` prints.
public struct VerificationReport: Sendable, Codable, Equatable {
    /// `resolved`, `unresolved` (also when the test evidence did not hold together: the reason starts with
    /// `evidence inconsistent:`), or `error` when the verification itself could not be done (setup failed, the
    /// test patch did not apply, the test command never ran).
    public var status: String
    /// True when every fail-to-pass test passes after and every pass-to-pass test still passes.
    public var resolved: Bool
    /// Whether the patch applied.
    public var patchApplied: Bool
    /// Fail-to-pass test id → outcome after the patch.
    public var failToPass: [String: TestOutcome]
    /// Pass-to-pass test id → outcome after the patch.
    public var passToPass: [String: TestOutcome]
    /// True when the lists were derived from the before/after pictures rather than given.
    public var listsDerived: Bool
    /// One sentence: why the verdict is what it is.
    public var reason: String
    /// Tests whose outcome changed between repeated runs; excluded from derived lists.
    public var flakyTests: [String]
    /// Test ids whose parametrized part changed between runs (a time stamp in a parameter id), in every spelling
    /// seen; compared by their stable part rather than counted as tests that stopped passing.
    public var unstableTests: [String] = []
    /// Test files and test configuration the patch changed, put back from the base plus the test patch before
    /// the *after* runs.
    public var restoredTestFiles: [String] = []
    /// The tests before the patch.
    public var before: TestPicture
    /// The tests after the patch; empty when the patch did not apply.
    public var after: TestPicture
    /// How the patch applied, or why not.
    public var patch: PatchApplication
    /// How the test patch applied, when there was one.
    public var testPatch: PatchApplication?
    /// The setup run, when there was one.
    public var setup: StepRecord?
    /// Seconds spent in each phase.
    public var durations: Durations
    /// The sandbox used: `bubblewrap` or `none`.
    public var sandbox: String

    enum CodingKeys: String, CodingKey {
        case status, resolved, reason, before, after, patch, setup, durations, sandbox
        case patchApplied = "patch_applied"
        case failToPass = "fail_to_pass"
        case passToPass = "pass_to_pass"
        case listsDerived = "lists_derived"
        case flakyTests = "flaky_tests"
        case unstableTests = "unstable_tests"
        case restoredTestFiles = "restored_test_files"
        case testPatch = "test_patch"
    }
}

/// The tests of one phase over its runs: the combined outcome per test, counts, and how each run ended.
public struct TestPicture: Sendable, Codable, Equatable {
    /// Test id → outcome; a test reported differently across runs gets its worst outcome.
    public var outcomes: [String: TestOutcome]
    /// Counts per outcome over ``outcomes``.
    public var summary: [String: Int]
    /// Where the outcomes were read from (`junit`, `pytest`, …, `exit-status`).
    public var sources: [String]
    /// Each run's end: `exit 0`, `signal 9`, with the limit if one fired.
    public var runs: [String]
    /// The last run's output tail, for a person reading a failure.
    public var outputTail: String
    /// Why a run's evidence did not hold together (`run 1: …`); empty when every run's did.
    public var evidenceProblems: [String] = []

    /// An empty picture (the phase did not run).
    public static let empty = TestPicture(outcomes: [:], summary: [:], sources: [], runs: [], outputTail: "")

    enum CodingKeys: String, CodingKey {
        case outcomes, summary, sources, runs
        case outputTail = "output_tail"
        case evidenceProblems = "evidence_problems"
    }
}

/// One non-test step (setup): how it ended and the tail of its output.
public struct StepRecord: Sendable, Codable, Equatable {
    /// True when it exited 0 with no limit fired.
    public var succeeded: Bool
    /// `exit 0`, `signal 9`, and the limit if one fired.
    public var ending: String
    /// The tail of its output.
    public var outputTail: String

    enum CodingKeys: String, CodingKey {
        case succeeded, ending
        case outputTail = "output_tail"
    }
}

/// Seconds per phase.
public struct Durations: Sendable, Codable, Equatable {
    /// The setup command.
    public var setupSeconds: Double = 0
    /// Each test run before the patch.
    public var beforeSeconds: [Double] = []
    /// Applying the patch.
    public var patchSeconds: Double = 0
    /// Each test run after the patch.
    public var afterSeconds: [Double] = []
    /// The whole verification, including the test patch and reading results.
    public var totalSeconds: Double = 0

    /// Zero durations.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case setupSeconds = "setup_seconds"
        case beforeSeconds = "before_seconds"
        case patchSeconds = "patch_seconds"
        case afterSeconds = "after_seconds"
        case totalSeconds = "total_seconds"
    }
}
