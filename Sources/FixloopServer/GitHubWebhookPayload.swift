import Foundation

/// The parts of a GitHub webhook payload (`issues`, `issue_comment`) that the triggers read; everything optional,
/// so any JSON object decodes and unknown events cost nothing.
public struct GitHubWebhookPayload: Decodable, Sendable {
    public struct User: Decodable, Sendable { public var login: String; public var type: String? }
    public struct Label: Decodable, Sendable { public var name: String; public var id: Int? }
    public struct Issue: Decodable, Sendable {
        public var number: Int
        public var title: String?
        /// When the issue last changed: for `issues.labeled`, the moment of that labelling (signed with the body).
        public var updatedAt: String?
        /// Present when the "issue" is a pull request.
        public var pullRequest: PullRequestLink?
        public var labels: [Label]?
    }
    /// A pull request (`pull_request_review`, `pull_request_review_comment`).
    public struct PullRequest: Decodable, Sendable {
        public struct Ref: Decodable, Sendable { public var ref: String; public var sha: String? }
        public var number: Int
        public var head: Ref
        public var labels: [Label]?
        public var user: User?
    }
    /// A submitted review (`pull_request_review`).
    public struct Review: Decodable, Sendable {
        public var id: Int?
        public var state: String?
        public var body: String?
        public var user: User?
        public var authorAssociation: String?
        /// The commit the review was made on.
        public var commitId: String?
    }
    public struct PullRequestLink: Decodable, Sendable { public var url: String? }
    public struct Comment: Decodable, Sendable {
        public var id: Int?
        public var body: String?
        public var user: User?
        public var authorAssociation: String?
        /// The commit a review comment is on (`pull_request_review_comment`).
        public var commitId: String?
    }
    public struct Repository: Decodable, Sendable { public var fullName: String }
    public struct Installation: Decodable, Sendable { public var id: Int }

    public var action: String?
    public var issue: Issue?
    public var label: Label?
    public var comment: Comment?
    public var pullRequest: PullRequest?
    public var review: Review?
    public var repository: Repository?
    public var sender: User?
    public var installation: Installation?

    /// Decodes a raw body. - Throws: when it is not a JSON object.
    public static func decode(_ body: Data) throws -> GitHubWebhookPayload {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(GitHubWebhookPayload.self, from: body)
    }
}
