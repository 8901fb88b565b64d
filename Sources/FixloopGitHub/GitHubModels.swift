/// The parts of GitHub's REST objects Fixloop reads; decoded with snake_case keys.
public struct GitHubIssue: Sendable, Equatable, Codable {
    public var number: Int
    public var title: String
    public var body: String?
    public var state: String
    public var htmlUrl: String
    public var labels: [Label]
    /// Present when the "issue" is a pull request.
    public var pullRequest: PullRequestLink?

    public struct Label: Sendable, Equatable, Codable {
        public var name: String
        public init(name: String) { self.name = name }
    }

    public struct PullRequestLink: Sendable, Equatable, Codable {
        public var url: String?
    }
}

public struct GitHubComment: Sendable, Equatable, Codable {
    public var id: Int
    public var body: String
    public var htmlUrl: String
    public var user: User?
    /// `OWNER`, `MEMBER`, `COLLABORATOR`, `CONTRIBUTOR`, `NONE`…
    public var authorAssociation: String?

    public struct User: Sendable, Equatable, Codable {
        public var login: String
        /// `User` or `Bot`.
        public var type: String?
    }
}

/// A comment on a line of a pull request's diff.
public struct GitHubReviewComment: Sendable, Equatable, Codable {
    public var id: Int
    public var body: String
    public var htmlUrl: String
    public var path: String
    /// The line in the new version; nil when the comment is outdated.
    public var line: Int?
    public var diffHunk: String?
    public var user: GitHubComment.User?
    public var authorAssociation: String?
}

public struct GitHubLabel: Sendable, Equatable, Codable {
    public var name: String
}

public struct GitHubPullRequest: Sendable, Equatable, Codable {
    public var number: Int
    public var title: String
    public var body: String?
    public var state: String
    public var draft: Bool?
    public var htmlUrl: String
    public var head: Ref
    public var base: Ref
    /// When it was merged; nil while it is not (a closed pull request with this set was merged, not abandoned).
    public var mergedAt: String? = nil
    public var mergeCommitSha: String? = nil

    /// `draft`, `open`, `merged` or `closed`: how a person reading the review would say it.
    public var displayState: String {
        if mergedAt != nil { return "merged" }
        if state == "closed" { return "closed" }
        return draft == true ? "draft" : "open"
    }

    public struct Ref: Sendable, Equatable, Codable {
        public var ref: String
        public var sha: String?
    }
}

public struct GitHubRepository: Sendable, Equatable, Codable {
    public var fullName: String
    public var defaultBranch: String
    public var cloneUrl: String
    public var htmlUrl: String
}

/// A GitHub account (`GET /users/{login}`).
public struct GitHubUser: Sendable, Equatable, Codable {
    public var login: String
    public var id: Int
    /// The profile name; nil when the person set none.
    public var name: String?
    /// `User` or `Bot`.
    public var type: String?
}
