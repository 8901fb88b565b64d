import Foundation

/// The outcome of one test in one run, in the words of the SWE-bench report.
public enum TestOutcome: String, Sendable, Codable, Equatable, CaseIterable {
    /// The test passed (pytest's XFAIL and XPASS count as passed, as in SWE-bench).
    case passed
    /// An assertion failed.
    case failed
    /// The test could not run: a setup error, a crash, a collection error.
    case error
    /// The test was skipped or ignored.
    case skipped
    /// The test was expected but not reported at all.
    case missing

    /// How bad an outcome is when one test is reported more than once (the worst wins).
    public var severity: Int {
        switch self {
        case .missing: return 0
        case .skipped: return 1
        case .passed: return 2
        case .failed: return 3
        case .error: return 4
        }
    }
}

/// Per-test outcomes of one test run, read from JUnit XML or the runner's plain output.
public struct TestResults: Sendable, Codable, Equatable {
    /// Test id → outcome. Ids are as the runner prints them and may contain spaces and brackets.
    public var outcomes: [String: TestOutcome]
    /// Where the outcomes came from: `junit`, `pytest-junit`, `pytest`, `xctest`, `swift-testing`, `go`, `cargo`,
    /// `jest-json` (Jest and Vitest), `node-test-report`, `node-tap`, `node-spec`, or `exit-status` when no per-test
    /// result was found and the whole command is one pseudo-test.
    public var sources: [String]

    /// Creates results.
    public init(outcomes: [String: TestOutcome] = [:], sources: [String] = []) {
        self.outcomes = outcomes
        self.sources = sources
    }

    /// Records an outcome; when a test is reported twice, the worse outcome stays.
    public mutating func record(_ id: String, _ outcome: TestOutcome) {
        if let existing = outcomes[id], existing.severity >= outcome.severity { return }
        outcomes[id] = outcome
    }

    /// The outcome of `id`: an exact match, else a match after ``normalizedTestID(_:)``, else `missing`.
    public func outcome(of id: String) -> TestOutcome {
        if let exact = outcomes[id] { return exact }
        let wanted = Self.normalizedTestID(id)
        var found: TestOutcome?
        for (key, value) in outcomes where Self.normalizedTestID(key) == wanted {
            if found == nil || value.severity > found!.severity { found = value }
        }
        return found ?? .missing
    }

    /// A spelling-insensitive form of a test id, so `tests/test_x.py::test_a[1 2]` (pytest) matches
    /// `tests.test_x::test_a[1 2]` (JUnit) and `Module.Suite/testA` matches `Module.Suite.testA`.
    public static func normalizedTestID(_ id: String) -> String {
        var text = id.trimmingCharacters(in: .whitespaces)
        text = text.replacingOccurrences(of: ".py::", with: "::")
        if text.hasSuffix(".py") { text.removeLast(3) }
        text = text.replacingOccurrences(of: "::", with: ".").replacingOccurrences(of: "/", with: ".")
        return text
    }

    /// Counts of each outcome.
    public var summary: [TestOutcome: Int] {
        outcomes.values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }
}
