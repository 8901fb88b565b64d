import FixloopCore
import FixloopIngest
import FixloopScorer
import Foundation

/// What `fixloop score` prints: the import's counts, how sessions were graded, the implied NPS and the worst.
struct ScoreResult: Sendable, Codable {
    /// The import's counts, when files were imported.
    var `import`: ImportReport?
    /// How the sessions were graded.
    var grading: ScorePipeline.Tally
    /// NPS overall, per day and per week, and the worst sessions.
    var summary: ScoreSummary
    /// True when the grading model has no price, so its cost is not known (never shown as $0).
    var unpriced = false
    /// `score --batch`/`--collect`: the batches submitted, collected and still running.
    var batches: BatchGrading.Report?
    /// Scores written to `fixloop_session_scores` (`[scorer] write_back`), and where (without the password).
    var writtenBack: Int?
    var writeBackTarget: String?

    func jsonText() throws -> String { try JSONEncoder.prettyText(self) }

    func text() -> String {
        var lines: [String] = []
        if let report = `import` {
            lines.append(
                "import: read \(report.read) · stored \(report.stored) · already stored \(report.alreadyStored) · "
                    + "duplicates \(report.duplicates) · malformed \(report.malformed) · skipped \(report.skipped) · "
                    + "sessions \(report.sessions)")
            for problem in report.problems { lines.append("  malformed \(problem.file):\(problem.line): \(problem.reason)") }
            if report.malformed > report.problems.count {
                lines.append("  … and \(report.malformed - report.problems.count) more malformed records")
            }
        }
        let g = grading
        lines.append(
            "graded \(g.sessions) sessions: rubric \(g.rubric) · model \(g.model) · reused \(g.reused) · "
                + "rejected \(g.rejected) · refused \(g.refused) · cost " + (unpriced ? "unpriced" : "$" + String(format: "%.4f", g.costUSD)))
        if let batches {
            lines.append("batch: answered \(g.batched) · graded directly after the batch \(g.repaired) · waiting \(g.pending)")
            for note in batches.notes { lines.append("  " + note) }
        }
        if let writtenBack, let writeBackTarget {
            lines.append("wrote \(writtenBack) scores to fixloop_session_scores at \(writeBackTarget)")
        }
        guard summary.overall.count > 0 else {
            lines.append("no sessions to score; import an export with --import FILE")
            return lines.joined(separator: "\n")
        }
        lines.append("implied NPS \(Self.bucket(summary.overall))")
        if summary.unsure > 0 { lines.append("  \(summary.unsure) sessions were graded by the rubric alone with low confidence") }
        lines.append("by week:")
        for week in summary.weeks { lines.append("  \(week.label)  \(Self.bucket(week))") }
        lines.append("by day:")
        for day in summary.days { lines.append("  \(day.label)  \(Self.bucket(day))") }
        lines.append("worst sessions:")
        for worst in summary.worst {
            lines.append("  \(String(format: "%2d", worst.score))  \(worst.sessionID)")
            for line in worst.blurb.prefix(3) { lines.append("      - \(line)") }
        }
        return lines.joined(separator: "\n")
    }

    static func bucket(_ bucket: ImpliedNPS.Bucket) -> String {
        String(format: "%+6.1f", bucket.nps)
            + "  (\(bucket.count) sessions: \(bucket.promoters) promoters, \(bucket.passives) passives, \(bucket.detractors) detractors)"
    }
}
