/// A forge that hosts pull requests and issues (GitHub, GitHub Enterprise).
public protocol CodeHost: Sendable {
    /// The repository's default branch, which pull requests target.
    func defaultBranch(owner: String, name: String) async throws -> String

    /// Opens a draft pull request from `head`, or updates the open one that already has that head:
    /// a ticket never gets a second pull request.
    func openOrUpdatePullRequest(_ request: PullRequestRequest) async throws -> PullRequestInfo

    /// Adds a comment to an issue or pull request. - Returns: the comment's id.
    @discardableResult
    func comment(owner: String, name: String, issue: Int, body: String) async throws -> Int

    /// Replaces a comment's text (progress comments are edited in place).
    func updateComment(owner: String, name: String, id: Int, body: String) async throws

    /// Adds labels to an issue or pull request (ones it already has stay).
    func addLabels(owner: String, name: String, issue: Int, labels: [String]) async throws

    /// Asks `reviewers` to review pull request `pullRequest`.
    /// - Returns: false when the forge refused because one of them cannot review it (no access to the repository,
    ///   or the pull request's own author); other failures throw.
    func requestReview(owner: String, name: String, pullRequest: Int, reviewers: [String]) async throws -> Bool

    /// A person's account by login, for a commit's `Co-authored-by:` trailer; nil when there is no such account.
    func account(login: String) async throws -> CodeHostAccount?
}

/// A person on the forge, as a commit trailer names them.
public struct CodeHostAccount: Sendable, Equatable {
    public var login: String
    /// The profile name, else the login.
    public var name: String
    /// The address the forge links to the account (GitHub: `ID+LOGIN@users.noreply.github.com`).
    public var email: String

    public init(login: String, name: String, email: String) {
        self.login = login
        self.name = name
        self.email = email
    }

    /// `Co-authored-by: Name <email>` (GitHub shows the account as the commit's co-author).
    public var coAuthorTrailer: String { "Co-authored-by: \(name) <\(email)>" }
}

/// What a pull request should be.
public struct PullRequestRequest: Sendable, Equatable {
    public var owner: String
    public var name: String
    /// The branch with the fix, e.g. `fixloop/gh-acme-shop-12-total-is-wrong`.
    public var head: String
    /// The branch it targets, usually the default branch.
    public var base: String
    public var title: String
    public var body: String
    public var draft: Bool

    public init(owner: String, name: String, head: String, base: String, title: String, body: String, draft: Bool = true) {
        self.owner = owner
        self.name = name
        self.head = head
        self.base = base
        self.title = title
        self.body = body
        self.draft = draft
    }
}

/// A pull request that exists.
public struct PullRequestInfo: Sendable, Equatable, Codable {
    public var number: Int
    public var url: String
    /// True when this call created it; false when it updated an existing one.
    public var created: Bool

    public init(number: Int, url: String, created: Bool) {
        self.number = number
        self.url = url
        self.created = created
    }
}
