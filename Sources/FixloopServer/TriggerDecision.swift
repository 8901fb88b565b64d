import Foundation
import FixloopCore

/// What a webhook asks of the bot.
public enum WebhookAction: Sendable, Equatable {
    /// Nothing to do; the reason is counted and logged.
    case ignore(String)
    /// A command on a ticket, once the sender is known to have write access.
    case command(TicketCommand, permission: PermissionCheck)
}

/// A command on one ticket.
public enum TicketCommand: Sendable, Equatable {
    /// Queue a fix (`labeled`, `/fixloop fix`, `/fixloop retry`).
    case fix(JobRequest)
    /// Cancel the ticket's active job (`/fixloop stop`).
    case stop(ticket: String, by: String)
    /// Queue a revision round on one of Fixloop's pull requests (``JobKind/revision``), within the round limits.
    case revise(JobRequest)
}

/// Whether the sender's write access still has to be asked of GitHub.
public enum PermissionCheck: Sendable, Equatable {
    case granted
    /// `author_association` did not settle it: ask the collaborator permission API.
    case ask(owner: String, name: String, user: String)
}

/// Settings of the triggers.
public struct TriggerSettings: Sendable, Equatable {
    /// The label that queues a fix.
    public var label: String
    /// Attempts per job (a worker that dies uses one).
    public var maxAttempts: Int
    /// Revision rounds per pull request (`[serve] max_rounds`).
    public var maxRounds: Int
    /// Revision rounds per day across every pull request (`[serve] max_rounds_per_day`).
    public var maxRoundsPerDay: Int
    /// Commits a Fixloop pull request may be behind its base before a moved base asks for a rebase (`[serve] max_behind`).
    public var maxBehind = 20

    public init(label: String = "fixloop", maxAttempts: Int = 3, maxRounds: Int = 3, maxRoundsPerDay: Int = 20) {
        self.label = label
        self.maxAttempts = maxAttempts
        self.maxRounds = maxRounds
        self.maxRoundsPerDay = maxRoundsPerDay
    }
}

/// The pure part of the webhook receiver: an event name and a payload in, an action out. No I/O.
public enum TriggerDecision {
    static let writerAssociations = TicketComment.writerAssociations

    public static func decide(event: String, payload: GitHubWebhookPayload, settings: TriggerSettings) -> WebhookAction {
        if let revision = decideRevision(event: event, payload: payload, settings: settings) { return revision }
        guard let repository = payload.repository?.fullName, let issue = payload.issue else {
            return .ignore(event == "ping" ? "ping" : "event \(event) is not a trigger")
        }
        guard issue.pullRequest == nil else { return .ignore("a pull request, not an issue") }
        let parts = repository.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return .ignore("repository \(repository) is not OWNER/NAME") }
        let ticket = "gh:\(repository)#\(issue.number)"
        let sender = payload.sender?.login ?? "someone"
        func fix(_ trigger: String, by login: String?, retry: Bool = false) -> TicketCommand {
            var request = JobRequest(ticket: ticket, repository: repository, trigger: trigger, installationID: payload.installation?.id,
                                     maxAttempts: settings.maxAttempts, rerunsFinished: retry)
            request.requester = login
            request.triggerCommentID = payload.comment?.id
            return .fix(request)
        }
        switch (event, payload.action) {
        case ("issues", "labeled"):
            guard payload.label?.name == settings.label else { return .ignore("label \(payload.label?.name ?? "none") is not \(settings.label)") }
            // Labelling takes triage access or more on GitHub's side.
            return .command(fix("labelled \(settings.label) by \(sender)", by: payload.sender?.login), permission: .granted)
        case ("issue_comment", "created"):
            guard let comment = payload.comment, let verb = command(in: comment.body ?? "") else { return .ignore("no /fixloop command") }
            let author = comment.user?.login ?? sender
            if comment.user?.type == "Bot" { return .ignore("a bot's comment") }
            var command: TicketCommand = verb == "stop" ? .stop(ticket: ticket, by: author) : fix("/fixloop \(verb) by \(author)", by: comment.user?.login ?? payload.sender?.login, retry: verb == "retry")
            if case .fix(var request) = command {
                request.requestText = text(in: comment.body ?? "")
                command = .fix(request)
            }
            let permission: PermissionCheck = writerAssociations.contains(comment.authorAssociation ?? "")
                ? .granted : .ask(owner: parts[0], name: parts[1], user: author)
            return .command(command, permission: permission)
        default:
            return .ignore("event \(event).\(payload.action ?? "-") is not a trigger")
        }
    }

    /// What a trigger is, from signed fields only (the `X-GitHub-Delivery` id is not signed, so a replay can carry a new
    /// one): the event, the action, the repository and issue, and the comment id, or for a label (whose event has no id
    /// in the payload) the label, the issue's `updated_at` at that moment and the sender. Nil for what is no trigger.
    public static func triggerKey(event: String, payload: GitHubWebhookPayload) -> String? {
        if let key = revisionTriggerKey(event: event, payload: payload) { return key }
        guard let repository = payload.repository?.fullName, let issue = payload.issue else { return nil }
        let base = "github \(event).\(payload.action ?? "-") \(repository)#\(issue.number)"
        switch (event, payload.action) {
        case ("issues", "labeled"):
            let label = payload.label.map { "\($0.id.map(String.init) ?? "-"):\($0.name)" } ?? "-"
            return "\(base) label=\(label) at=\(issue.updatedAt ?? "-") by=\(payload.sender?.login ?? "-")"
        case ("issue_comment", "created"):
            guard let id = payload.comment?.id else { return nil }
            return "\(base) comment=\(id)"
        default:
            return nil
        }
    }

    /// `fix`, `retry` or `stop` when the comment's first line is `/fixloop VERB`; hidden HTML and zero-width
    /// characters are removed first, so an invisible command does nothing.
    public static func command(in body: String) -> String? {
        let visible = TicketText.clean(body)
        guard let line = visible.split(whereSeparator: \.isNewline).first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        let words = line.lowercased().split(whereSeparator: \.isWhitespace)
        guard words.count >= 2, words[0] == "/fixloop", ["fix", "retry", "stop"].contains(words[1]) else { return nil }
        return String(words[1])
    }

    /// The text after `/fixloop fix` or `/fixloop retry` (the rest of the line and the lines below), visible text only
    /// and at most ``maxRequestText`` characters; nil when there is none.
    public static func text(in body: String) -> String? {
        let visible = TicketText.clean(body).trimmingCharacters(in: .whitespacesAndNewlines)
        var rest = Substring(visible)
        for word in ["/fixloop", "fix", "retry"] {
            let trimmed = rest.drop(while: \.isWhitespace)
            guard trimmed.lowercased().hasPrefix(word) else { continue }
            rest = trimmed.dropFirst(word.count)
            if word != "/fixloop" { break }
        }
        let text = rest.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : String(text.prefix(maxRequestText))
    }

    /// The most characters of a `/fixloop fix <text>` passed on.
    public static let maxRequestText = 4000

    /// Whether a collaborator permission (`admin`, `maintain`, `write`, …) may command the bot.
    public static func canWrite(_ permission: String) -> Bool { ["admin", "maintain", "write"].contains(permission) }
}
