import Foundation

/// The rounds on a fix's pull request — review, CI and rebase rounds —, a small table under the fix.
extension ReviewHTML {
    static func rounds(_ fix: WeeklyReview.Fix) -> String {
        guard !fix.rounds.isEmpty else { return "" }
        var html = "<table class=\"rounds\"><caption>Rounds on the pull request</caption>"
            + "<thead><tr><th>round</th><th>kind</th><th>when</th><th>outcome</th><th>cost</th></tr></thead><tbody>"
        for (index, round) in fix.rounds.enumerated() {
            html += "<tr class=\"round \(e(round.kind))\"><td class=\"num\">\(index + 1)</td><td>\(e(roundKind(round.kind)))</td>"
                + "<td>\(e(stamp(round.startedAt)))</td><td>\(e(round.outcome))</td>"
                + "<td class=\"num\">\(String(format: "$%.4f", round.costUSD))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    /// `revision` is a review round to the reader.
    static func roundKind(_ kind: String) -> String {
        switch kind {
        case "revision": "review"
        case "ci": "CI"
        default: kind
        }
    }

    static let roundStyle = """
        table.rounds{margin:8px 0;width:auto}table.rounds caption{text-align:left;font-size:13px;color:var(--muted);padding:2px 0}
        """
}
