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
