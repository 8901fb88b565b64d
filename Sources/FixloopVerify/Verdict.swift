import FixloopCore

/// The SWE-bench judgement as pure functions: combining repeated runs, finding flaky tests, deriving the lists
/// and deciding whether a patch resolves the issue.
public enum Verdict {
    /// Repeated runs of one phase, combined.
    public struct Combined: Sendable, Equatable {
        /// Test id → the worst outcome over the runs (a test absent from a run counts as `missing` there).
        public var outcomes: [String: TestOutcome]
        /// Tests whose outcome differed between runs.
        public var flaky: Set<String>
        /// Where the outcomes came from.
        public var sources: [String]
        /// Ids whose parametrized part changed between the runs, as each run spelled them (``UnstableTestIDs``).
        public var unstable: Set<String> = []
    }

    /// The judgement.
    public struct Judgement: Sendable, Equatable {
        /// Fail-to-pass id → outcome after the patch (`missing` when it did not apply).
        public var failToPass: [String: TestOutcome]
        /// Pass-to-pass id → outcome after the patch.
        public var passToPass: [String: TestOutcome]
        /// The verdict.
        public var resolved: Bool
        /// True when the lists were derived from the pictures.
        public var derived: Bool
        /// One clause: why.
        public var reason: String
        /// Ids whose parametrized part changed between before and after (or from a given list), in every spelling.
        public var unstable: Set<String> = []
    }

    /// Combines the runs of one phase.
    /// Ids whose parametrized part changed from the first run are renamed to the first run's spelling.
    public static func combine(_ runs: [TestResults]) -> Combined {
        var runs = runs
        var unstable: Set<String> = []
        for index in runs.indices.dropFirst() {
            let matches = UnstableTestIDs.matches(
                reference: Set(runs[0].outcomes.keys), other: Set(runs[index].outcomes.keys))
            runs[index].outcomes = UnstableTestIDs.aligned(runs[index].outcomes, renaming: matches)
            for match in matches { unstable.formUnion([match.reference, match.other]) }
        }
        let ids = Set(runs.flatMap { $0.outcomes.keys })
        var outcomes: [String: TestOutcome] = [:]
        var flaky: Set<String> = []
        for id in ids {
            let seen = runs.map { $0.outcomes[id] ?? .missing }
            outcomes[id] = seen.max(by: { $0.severity < $1.severity }) ?? .missing
            if Set(seen).count > 1 { flaky.insert(id) }
        }
        var sources: [String] = []
        for source in runs.flatMap(\.sources) where !sources.contains(source) { sources.append(source) }
        return Combined(outcomes: outcomes, flaky: flaky, sources: sources, unstable: unstable)
    }

    /// Judges a patch with SWE-bench semantics.
    /// - Parameters:
    ///   - before: the combined runs before the patch (test patch applied).
    ///   - after: the combined runs after the patch; empty when it did not apply.
    ///   - failToPass: given fail-to-pass ids; with `passToPass` also empty, both lists are derived.
    ///   - passToPass: given pass-to-pass ids.
    ///   - patchApplied: whether the patch applied.
    public static func judge(
        before: Combined, after: Combined, failToPass: [String], passToPass: [String], patchApplied: Bool
    ) -> Judgement {
        var unstable = before.unstable.union(after.unstable)
        let renamed = UnstableTestIDs.matches(reference: Set(before.outcomes.keys), other: Set(after.outcomes.keys))
        for match in renamed { unstable.formUnion([match.reference, match.other]) }
        var after = after
        after.outcomes = UnstableTestIDs.aligned(after.outcomes, renaming: renamed)
        var afterResults = TestResults(outcomes: after.outcomes)
        let given = Set(failToPass + passToPass).filter { afterResults.outcome(of: $0) == .missing }
        let unclaimed = Set(after.outcomes.keys).filter { id in
            !(failToPass + passToPass).contains { TestResults.normalizedTestID($0) == TestResults.normalizedTestID(id) }
        }
        for match in UnstableTestIDs.matches(reference: given, other: unclaimed) {
            afterResults.outcomes[match.reference] = after.outcomes[match.other]
            unstable.formUnion([match.reference, match.other])
        }
        let flaky = before.flaky.union(after.flaky)
        let derived = failToPass.isEmpty && passToPass.isEmpty
        var ftpIDs = failToPass
        var ptpIDs = passToPass
        if derived {
            ftpIDs = after.outcomes.keys.filter { id in
                after.outcomes[id] == .passed && !flaky.contains(id)
                    && [.failed, .error, .missing].contains(before.outcomes[id] ?? .missing)
            }
            ptpIDs = before.outcomes.keys.filter { before.outcomes[$0] == .passed && !flaky.contains($0) }
        }
        let ftp = Dictionary(uniqueKeysWithValues: ftpIDs.map { ($0, patchApplied ? afterResults.outcome(of: $0) : .missing) })
        let ptp = Dictionary(uniqueKeysWithValues: ptpIDs.map { ($0, patchApplied ? afterResults.outcome(of: $0) : .missing) })
        let failing = ftp.filter { $0.value != .passed }.keys.sorted()
        let broken = ptp.filter { $0.value != .passed }.keys.sorted()
        let reason: String
        var resolved = false
        if !patchApplied {
            reason = "the patch did not apply"
        } else if derived && ftp.isEmpty {
            reason = "no test went from failing to passing"
        } else if !failing.isEmpty {
            reason = "\(failing.count) fail-to-pass test(s) still do not pass, first \(failing[0])"
        } else if !broken.isEmpty {
            reason = "\(broken.count) pass-to-pass test(s) no longer pass, first \(broken[0])"
        } else {
            resolved = true
            reason = "every fail-to-pass test passes and every pass-to-pass test still passes"
        }
        return Judgement(
            failToPass: ftp, passToPass: ptp, resolved: resolved, derived: derived, reason: reason, unstable: unstable)
    }
}
