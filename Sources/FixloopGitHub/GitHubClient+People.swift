import FixloopCore
import Foundation

/// The calls that involve the person who asked for a fix: a 👀 reaction on what they wrote, a review request on the
/// pull request, their account for a commit's `Co-authored-by:` trailer.
extension GitHubClient {
    /// `POST /repos/{owner}/{name}/issues/{issue}/reactions`: a reaction on an issue (or pull request) itself.
    public func addReaction(_ owner: String, _ name: String, issue: Int, content: String = "eyes") async throws {
        let _: GitHubReaction = try await send("POST", "/repos/\(owner)/\(name)/issues/\(issue)/reactions", body: ["content": .string(content)])
    }

    /// `POST /repos/{owner}/{name}/issues/comments/{id}/reactions`: a reaction on an issue comment.
    public func addCommentReaction(_ owner: String, _ name: String, commentID: Int, content: String = "eyes") async throws {
        let _: GitHubReaction = try await send("POST", "/repos/\(owner)/\(name)/issues/comments/\(commentID)/reactions",
                                               body: ["content": .string(content)])
    }

    /// `POST /repos/{owner}/{name}/pulls/{number}/requested_reviewers`. GitHub answers 422 (``GitHubError/Kind/validation``)
    /// when a reviewer cannot review: not a collaborator, or the pull request's author.
    public func requestReviewers(_ owner: String, _ name: String, pullRequest: Int, reviewers: [String]) async throws {
        let _: GitHubPullRequest = try await send("POST", "/repos/\(owner)/\(name)/pulls/\(pullRequest)/requested_reviewers",
                                                  body: ["reviewers": .array(reviewers.map { .string($0) })])
    }

    /// `GET /users/{login}`.
    public func user(_ login: String) async throws -> GitHubUser {
        try await send("GET", "/users/\(login)")
    }
}

/// A reaction GitHub made (only decoded to check the answer).
struct GitHubReaction: Decodable {
    var id: Int
    var content: String
}
