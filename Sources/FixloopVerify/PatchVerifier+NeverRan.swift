import FixloopCore
import Foundation

extension PatchVerifier {
    /// Why the test command never ran, or nil when it did: every run before and after the patch failed with no
    /// test result at all, the same way — exit 126 or 127 (cannot execute, not found), or the same last lines of
    /// output (a runner crashing before it found any test). Such a verification is an error, not a verdict.
    static func neverRan(before: [TestEvidenceRunner.Run], after: [TestEvidenceRunner.Run]) -> String? {
        let runs = before + after
        guard !before.isEmpty, !after.isEmpty else { return nil }
        let failures = runs.compactMap(startFailure)
        guard failures.count == runs.count, Set(failures).count == 1 else { return nil }
        let last = runs[runs.count - 1].sandbox
        let lines = lastLines(of: last.standardOutput.text + "\n" + last.standardError.text)
        return "the test command never ran (\(ending(last)) before and after the patch, no test result): "
            + (lines.isEmpty ? "it printed nothing" : lines)
    }

    /// What a run that found no test and failed looks like, to compare across runs; nil when it ran tests,
    /// succeeded, or was stopped by a limit.
    private static func startFailure(_ run: TestEvidenceRunner.Run) -> String? {
        let result = run.sandbox
        guard run.evidence.results.sources == ["exit-status"], !result.succeeded, result.limit == nil else { return nil }
        if [.exited(126), .exited(127)].contains(result.termination) { return result.termination.description }
        let text = lastLines(of: result.standardOutput.text + "\n" + result.standardError.text)
        return text.replacingOccurrences(of: #"[0-9]+"#, with: "#", options: .regularExpression)
    }

    /// The last five non-empty lines, joined with ` | `.
    static func lastLines(of text: String, count: Int = 5) -> String {
        text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .suffix(count).joined(separator: " | ")
    }
}
