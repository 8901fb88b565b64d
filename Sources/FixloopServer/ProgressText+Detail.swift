import FixloopCore

/// The line of detail each stage shows, from the typed milestones of the run.
extension ProgressText {
    /// What `stage` found so far, or nil (queued and delivering have no detail; the final comment names the PR).
    static func detail(of stage: ProgressStage, in log: ProgressLog) -> String? {
        let found = log.milestones.filter { ProgressStage.of($0) == stage }
        guard !found.isEmpty else { return nil }
        return found.map(describe).joined(separator: "; ")
    }

    static func describe(_ milestone: FixMilestone) -> String {
        switch milestone {
        case .reproduced(let tests, let written):
            guard !tests.isEmpty else { return "no failing test reproduced the bug" }
            return "\(list(tests)) \(tests.count == 1 ? "fails" : "fail") before the change (\(written ? "a test Fixloop wrote" : "named in the ticket"))"
        case .candidateEnded(let index, let count, let accepted, let tests, let reason):
            let run = tests.map(counts) ?? "no test run"
            return "candidate \(index) of \(count): \(run) — \(accepted ? "accepted" : cut(reason))"
        case .verified(let resolved, let stillFailing, let broken, let reason):
            if resolved { return "resolved: the reproduction passes on a fresh checkout and nothing that passed before fails" }
            var found: [String] = []
            if !stillFailing.isEmpty { found.append("\(list(stillFailing)) still \(stillFailing.count == 1 ? "fails" : "fail")") }
            if !broken.isEmpty { found.append("\(list(broken)) passed before and \(broken.count == 1 ? "fails" : "fail") now") }
            return "unresolved: " + (found.isEmpty ? cut(reason) : found.joined(separator: "; "))
        }
    }

    /// `3 passed, 1 failed`.
    static func counts(_ summary: [TestOutcome: Int]) -> String {
        let parts = [TestOutcome.passed, .failed, .error, .skipped].compactMap { outcome -> String? in
            guard let count = summary[outcome], count > 0 else { return nil }
            return "\(count) \(outcome == .error && count > 1 ? "errors" : outcome.rawValue)"
        }
        return parts.isEmpty ? "no tests found" : parts.joined(separator: ", ")
    }

    /// Up to three test ids in code spans, then `and N more`.
    static func list(_ tests: [String]) -> String {
        let shown = tests.prefix(3).map { "`\($0.replacingOccurrences(of: "`", with: "'"))`" }.joined(separator: ", ")
        return tests.count > 3 ? "\(shown) and \(tests.count - 3) more" : shown
    }

    /// A reason on one line, at most 120 characters.
    static func cut(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > 120 ? String(line.prefix(119)) + "…" : line
    }
}
