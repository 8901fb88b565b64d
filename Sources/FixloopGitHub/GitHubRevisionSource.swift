import FixloopCore
import Foundation

/// What a revision round of a Fixloop pull request starts from: its branches, the ticket it fixes and the review
/// comments people left on its lines.
public struct PullRequestRevision: Sendable, Equatable {
    public var number: Int
    public var url: String
    /// Fixloop's branch (`fixloop/…`), where a new commit goes.
    public var headBranch: String
    public var baseBranch: String
    /// The head commit GitHub reports (nil when it reports none).
    public var headCommit: String?
    /// The ticket from the body's first line (`Fixes #N`, `Fixes OWNER/NAME#N`, `Fixes KEY-N`, `Ticket: local:N`,
    /// or `Fixes LINK: title`).
    public var ticket: TicketReference
    /// Review comments from people, oldest first, that no earlier round answered; bots' and Fixloop's own left out.
    public var comments: [ReviewComment]

    public init(number: Int, url: String, headBranch: String, baseBranch: String, headCommit: String? = nil, ticket: TicketReference,
                comments: [ReviewComment]) {
        self.number = number
        self.url = url
        self.headBranch = headBranch
        self.baseBranch = baseBranch
        self.headCommit = headCommit
        self.ticket = ticket
        self.comments = comments
    }
}

/// Reads a pull request for a revision round on GitHub's REST API.
public struct GitHubRevisionSource: Sendable {
    public let client: GitHubClient

    public init(client: GitHubClient) { self.client = client }

    /// - Throws: ``GitHubError`` `.validation` when the pull request is not on a `fixloop/` branch or its body names
    ///   no ticket; API errors as they come.
    public func revision(owner: String, name: String, number: Int) async throws -> PullRequestRevision {
        let pull = try await client.pullRequest(owner, name, number: number)
        guard pull.head.ref.hasPrefix("fixloop/") else {
            throw GitHubError(.validation, status: nil, "Pull request \(owner)/\(name)#\(number) is on branch \(pull.head.ref), not a fixloop/ branch; Fixloop revises only its own pull requests.")
        }
        guard let ticket = Self.ticket(fromBody: pull.body ?? "", repository: (owner, name)) else {
            throw GitHubError(.validation, status: nil, "Pull request \(owner)/\(name)#\(number) names no ticket: its body does not begin with \"Fixes LINK\"; restore that line and run again.")
        }
        // Comments an earlier round answered are named in that round's reply (``ReviewComment/answeredIDs(inReply:)``).
        // Only replies Fixloop could have written count: an App's (a bot) or a writer's token; a reader cannot mark
        // comments answered.
        let answered = try await client.comments(owner, name, issue: number)
            .filter { $0.user?.type == "Bot" || TicketComment.writerAssociations.contains($0.authorAssociation ?? "") }
            .reduce(into: Set<Int>()) { $0.formUnion(ReviewComment.answeredIDs(inReply: $1.body)) }
        let comments = try await client.reviewComments(owner, name, pullRequest: number).compactMap(Self.reviewComment)
            .filter { !answered.contains($0.id) }
        return PullRequestRevision(number: pull.number, url: pull.htmlUrl, headBranch: pull.head.ref, baseBranch: pull.base.ref,
                                   headCommit: pull.head.sha, ticket: ticket, comments: comments)
    }

    /// The ticket of a body whose first line is `Fixes LINK: title`: a GitHub issue URL, a Linear issue URL, or a
    /// ticket reference (`gh:`, `linear:`, `local:`). Nil for anything else (a file ticket names nothing to read again).
    ///
    /// With `repository` (the pull request's), the closing lines Fixloop writes are read too: `Fixes #N`,
    /// `Fixes OWNER/NAME#N`, `Fixes KEY-N` (Linear) and `Ticket: local:N`.
    public static func ticket(fromBody body: String, repository: (owner: String, name: String)? = nil) -> TicketReference? {
        guard let first = body.split(whereSeparator: \.isNewline).first else { return nil }
        if let repository, let closing = closingTicket(String(first), repository: repository) { return closing }
        guard first.hasPrefix("Fixes ") else { return nil }
        var link = String(first.dropFirst(6).split(separator: " ").first ?? "")
        if link.hasSuffix(":") { link.removeLast() }
        if let url = URL(string: link), let host = url.host, url.scheme == "https" {
            let parts = url.path.split(separator: "/").map(String.init)
            if host == "linear.app", let index = parts.firstIndex(of: "issue"), index + 1 < parts.count {
                return try? TicketReference(parsing: "linear:\(parts[index + 1])")
            }
            if parts.count == 4, parts[2] == "issues", let number = Int(parts[3]) {
                return .github(owner: parts[0], name: parts[1], number: number)
            }
            return nil
        }
        guard ["gh:", "linear:", "local:"].contains(where: link.hasPrefix) else { return nil }
        return try? TicketReference(parsing: link)
    }

    /// The ticket of a closing line as ``PullRequestBody`` writes it.
    static func closingTicket(_ line: String, repository: (owner: String, name: String)) -> TicketReference? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("Ticket: local:") { return try? TicketReference(parsing: String(trimmed.dropFirst(8))) }
        guard trimmed.hasPrefix("Fixes "), !trimmed.dropFirst(6).contains(" ") else { return nil }
        let word = String(trimmed.dropFirst(6))
        if word.hasPrefix("#"), let number = Int(word.dropFirst()) {
            return .github(owner: repository.owner, name: repository.name, number: number)
        }
        if word.contains("/"), word.contains("#") { return try? TicketReference(parsing: "gh:" + word) }
        if word.range(of: #"^[A-Z][A-Z0-9]*-[0-9]+$"#, options: .regularExpression) != nil {
            return try? TicketReference(parsing: "linear:" + word)
        }
        return nil
    }

    static func reviewComment(_ comment: GitHubReviewComment) -> ReviewComment? {
        let issueComment = GitHubComment(id: comment.id, body: comment.body, htmlUrl: comment.htmlUrl, user: comment.user,
                                         authorAssociation: comment.authorAssociation)
        guard let person = GitHubTicketSource.conversation([issueComment]).first else { return nil }
        return ReviewComment(id: comment.id, comment: person, path: comment.path, line: comment.line, diffHunk: comment.diffHunk ?? "")
    }
}
