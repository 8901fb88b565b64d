import FixloopCore
import FixloopReport
import FixloopStore
import Foundation

extension ReviewBuilder {
    /// The rounds on the pull request of `fix` (runs of its ticket of every kind but `fix`, started after it and
    /// before `end`), oldest first, each with its report's result and cost.
    func rounds(of fix: RunRecord, before end: Date) async throws -> [WeeklyReview.Round] {
        try await backend.runs.runs(ticket: fix.ticket)
            .filter { $0.kind.isRound && $0.startedAt >= fix.startedAt && $0.startedAt < end }
            .sorted { $0.startedAt < $1.startedAt }
            .map { run in
                var round = WeeklyReview.Round(runID: run.id, kind: run.kind.rawValue, startedAt: run.startedAt, outcome: run.status.rawValue)
                let reportURL = state.runs.appendingPathComponent(run.id).appendingPathComponent("report.json")
                if let data = FileManager.default.contents(atPath: reportURL.path),
                   let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                    round.outcome = (report["result"] as? String).map { $0.replacingOccurrences(of: "_", with: " ") } ?? round.outcome
                    round.costUSD = report["cost"] as? Double ?? 0
                }
                return round
            }
    }
}
