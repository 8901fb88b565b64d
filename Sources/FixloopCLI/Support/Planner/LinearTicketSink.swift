import FixloopLinear
import FixloopPlanner
import Foundation

/// Linear as the planner's ticket sink: `issueCreate` with team, labels and priority, and an attachment whose URL
/// names the pattern, so the issue is found again with `attachmentsForURL`. The issue id is derived from the
/// pattern and team, so a create retried after a crash (before the attachment) finds the issue by id instead.
struct LinearTicketSink: TicketSink {
    let client: LinearClient
    let team: LinearTeam
    /// Label ids given on the command line, added to those found by name.
    let labelIDs: [String]
    /// The attachment URL's prefix; the fingerprint is appended.
    var attachmentBase = "https://fixloop.invalid/patterns/"

    var name: String { "linear:\(team.key)" }

    func attachmentURL(_ fingerprint: String) -> String { attachmentBase + fingerprint }

    func find(_ draft: TicketDraft) async throws -> FiledTicket? {
        for fingerprint in draft.fingerprints {
            if let issue = try await client.issues(attachedTo: attachmentURL(fingerprint)).first { return filed(issue) }
        }
        do {
            let issue = try await client.issue(issueID(draft.fingerprint))
            try await client.attach(issueID: issue.id, title: "Fixloop pattern \(draft.fingerprint)", url: attachmentURL(draft.fingerprint))
            return filed(issue)
        } catch let error as LinearError where error.kind == .notFound {
            return nil
        }
    }

    func create(_ draft: TicketDraft) async throws -> FiledTicket {
        // `fixloop` and the class (`bug`, `product-flow`, …) by name, case-insensitively; names the team lacks are left out.
        let wanted = Set(draft.labels.map { $0.lowercased() })
        let named = try await client.labels(teamID: team.id).filter { wanted.contains($0.name.lowercased()) }.map(\.id)
        let issue = try await client.createIssue(
            teamID: team.id, title: draft.title, description: draft.body, priority: draft.priority.rawValue,
            labelIDs: Array(Set(named + labelIDs)).sorted(),
            id: issueID(draft.fingerprint))
        try await client.attach(issueID: issue.id, title: "Fixloop pattern \(draft.fingerprint)", url: attachmentURL(draft.fingerprint))
        return filed(issue)
    }

    func update(_ ticket: FiledTicket, draft: TicketDraft) async throws {
        try await client.createComment(issueID: ticket.remoteID, body: draft.updateComment)
    }

    /// A UUID from the team and the fingerprint: the same pattern on the same team always asks for the same id.
    func issueID(_ fingerprint: String) -> String {
        let hex = fingerprint + FailureSignature.stableHash("\(team.id)|\(fingerprint)")
        let chars = Array(hex.prefix(32))
        func part(_ range: Range<Int>) -> String { String(chars[range]) }
        return "\(part(0..<8))-\(part(8..<12))-5\(part(13..<16))-a\(part(17..<20))-\(part(20..<32))"
    }

    private func filed(_ issue: LinearIssue) -> FiledTicket {
        FiledTicket(reference: "linear:\(issue.identifier)", remoteID: issue.id, url: issue.url)
    }
}
