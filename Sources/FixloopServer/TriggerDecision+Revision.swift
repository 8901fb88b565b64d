import FixloopCore
import Foundation

extension TriggerDecision {
    /// The revision triggers on Fixloop's own pull requests (a `fixloop/` head, the bot's label): a `/fixloop <text>`
    /// or `/fixloop fix` comment, a review submitted with changes requested, a review comment on a line — from
    /// people, never bots or Fixloop itself. Nil for events that are not about a pull request (the issue triggers).
    static func decideRevision(event: String, payload: GitHubWebhookPayload, settings: TriggerSettings) -> WebhookAction? {
        guard let repository = payload.repository?.fullName else { return nil }
        let parts = repository.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return nil }
        let source: Source
        switch (event, payload.action) {
        case ("issue_comment", "created"):
            guard let issue = payload.issue, issue.pullRequest != nil, let comment = payload.comment else { return nil }
            guard isCommand(comment.body ?? "") else { return .ignore("no /fixloop command") }
            source = Source(author: comment.user, association: comment.authorAssociation, body: comment.body ?? "", number: issue.number,
                            labels: issue.labels ?? [], text: Self.text(in: comment.body ?? ""), trigger: "/fixloop on the pull request")
        case ("pull_request_review", "submitted"):
            guard let pull = payload.pullRequest, let review = payload.review else { return .ignore("a review without its pull request") }
            guard review.state?.lowercased() == "changes_requested" else { return .ignore("a review that requests no changes") }
            guard isCurrent(review.commitId, head: pull.head.sha) else { return .ignore("a review older than the pull request's last push") }
            guard pull.head.ref.hasPrefix("fixloop/") else { return .ignore("not one of Fixloop's pull requests (branch \(pull.head.ref))") }
            source = Source(author: review.user, association: review.authorAssociation, body: review.body ?? "", number: pull.number,
                            labels: pull.labels ?? [], text: nil, trigger: "changes requested")
        case ("pull_request_review_comment", "created"):
            guard let pull = payload.pullRequest, let comment = payload.comment else { return .ignore("a review comment without its pull request") }
            guard isCurrent(comment.commitId, head: pull.head.sha) else { return .ignore("a review comment older than the pull request's last push") }
            guard pull.head.ref.hasPrefix("fixloop/") else { return .ignore("not one of Fixloop's pull requests (branch \(pull.head.ref))") }
            source = Source(author: comment.user, association: comment.authorAssociation, body: comment.body ?? "", number: pull.number,
                            labels: pull.labels ?? [], text: nil, trigger: "a review comment")
        default:
            return nil
        }
        let (author, association, body, number, labels, text, trigger) =
            (source.author, source.association, source.body, source.number, source.labels, source.text, source.trigger)
        guard labels.contains(where: { $0.name == settings.label }) else { return .ignore("not one of Fixloop's pull requests (no \(settings.label) label)") }
        let login = author?.login ?? payload.sender?.login ?? "someone"
        if author?.type == "Bot" || login.hasSuffix("[bot]") { return .ignore("a bot's comment") }
        if TicketComment.isFixloops(body) { return .ignore("Fixloop's own comment") }
        let ticket = "gh:\(repository)#\(number)"
        if event == "issue_comment", Self.command(in: body) == "stop" {
            return .command(.stop(ticket: ticket, by: login), permission: permission(association, parts, login))
        }
        var request = JobRequest(ticket: ticket, repository: repository, trigger: "\(trigger) by \(login)", installationID: payload.installation?.id,
                                 maxAttempts: settings.maxAttempts, rerunsFinished: true, requestText: text)
        request.kind = .revision
        request.maxRounds = settings.maxRounds
        return .command(.revise(request), permission: permission(association, parts, login))
    }

    /// What a pull request event says, whichever event it is.
    private struct Source {
        var author: GitHubWebhookPayload.User?
        var association: String?
        var body: String
        var number: Int
        var labels: [GitHubWebhookPayload.Label]
        var text: String?
        var trigger: String
    }

    /// What a pull request trigger is, from signed fields: the review's or the comment's id.
    static func revisionTriggerKey(event: String, payload: GitHubWebhookPayload) -> String? {
        guard let repository = payload.repository?.fullName, let pull = payload.pullRequest else { return nil }
        let base = "github \(event).\(payload.action ?? "-") \(repository)#\(pull.number)"
        switch event {
        case "pull_request_review": return payload.review?.id.map { "\(base) review=\($0)" }
        case "pull_request_review_comment": return payload.comment?.id.map { "\(base) comment=\($0)" }
        default: return nil
        }
    }

    /// Whether the first visible line is `/fixloop …` (any text, or none).
    static func isCommand(_ body: String) -> Bool {
        let visible = TicketText.clean(body)
        guard let line = visible.split(whereSeparator: \.isNewline).first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return false }
        return line.lowercased().split(whereSeparator: \.isWhitespace).first == "/fixloop"
    }

    /// False when the event names a commit that is not the pull request's head (it came before the last push).
    static func isCurrent(_ commit: String?, head: String?) -> Bool {
        guard let commit, let head else { return true }
        return commit == head
    }

    static func permission(_ association: String?, _ parts: [String], _ login: String) -> PermissionCheck {
        writerAssociations.contains(association ?? "") ? .granted : .ask(owner: parts[0], name: parts[1], user: login)
    }
}
