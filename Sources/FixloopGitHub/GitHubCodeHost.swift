import FixloopCore

/// ``CodeHost`` on GitHub's REST API.
public struct GitHubCodeHost: CodeHost {
    public let client: GitHubClient

    public init(client: GitHubClient) { self.client = client }

    public func defaultBranch(owner: String, name: String) async throws -> String {
        try await client.repository(owner, name).defaultBranch
    }

    public func openOrUpdatePullRequest(_ request: PullRequestRequest) async throws -> PullRequestInfo {
        if let existing = try await existing(request) {
            let updated = try await client.updatePullRequest(request.owner, request.name, number: existing.number, title: request.title, body: request.body)
            return PullRequestInfo(number: updated.number, url: updated.htmlUrl, created: false)
        }
        do {
            let created = try await client.createPullRequest(
                request.owner, request.name, title: request.title, body: request.body, head: request.head, base: request.base, draft: request.draft)
            return PullRequestInfo(number: created.number, url: created.htmlUrl, created: true)
        } catch let error as GitHubError where error.kind == .validation {
            // Another run opened it between our look-up and our create: update that one instead.
            guard let existing = try await existing(request) else { throw error }
            let updated = try await client.updatePullRequest(request.owner, request.name, number: existing.number, title: request.title, body: request.body)
            return PullRequestInfo(number: updated.number, url: updated.htmlUrl, created: false)
        }
    }

    private func existing(_ request: PullRequestRequest) async throws -> GitHubPullRequest? {
        try await client.pullRequests(request.owner, request.name, head: "\(request.owner):\(request.head)").first
    }

    @discardableResult
    public func comment(owner: String, name: String, issue: Int, body: String) async throws -> Int {
        try await client.createComment(owner, name, issue: issue, body: body).id
    }

    public func updateComment(owner: String, name: String, id: Int, body: String) async throws {
        _ = try await client.updateComment(owner, name, id: id, body: body)
    }

    public func addLabels(owner: String, name: String, issue: Int, labels: [String]) async throws {
        _ = try await client.addLabels(owner, name, issue: issue, labels: labels)
    }

    public func requestReview(owner: String, name: String, pullRequest: Int, reviewers: [String]) async throws -> Bool {
        do {
            try await client.requestReviewers(owner, name, pullRequest: pullRequest, reviewers: reviewers)
            return true
        } catch let error as GitHubError where error.status == 422 {
            return false
        }
    }

    public func account(login: String) async throws -> CodeHostAccount? {
        let user: GitHubUser
        do {
            user = try await client.user(login)
        } catch let error as GitHubError where error.kind == .notFound {
            return nil
        }
        let name = user.name.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } ?? user.login
        return CodeHostAccount(login: user.login, name: name, email: "\(user.id)+\(user.login)@users.noreply.github.com")
    }
}
