import Foundation

/// Reactions, review requests and user accounts, as GitHub's REST API answers them.
extension GitHubTestState {
    /// A reaction on an issue (`comment` nil) or on an issue comment.
    public struct Reaction: Sendable, Equatable {
        public var repository: String, issue: Int?, comment: Int?, content: String

        public init(repository: String, issue: Int?, comment: Int?, content: String) {
            self.repository = repository
            self.issue = issue
            self.comment = comment
            self.content = content
        }
    }

    /// Adds an account `GET /users/{login}` answers with.
    public func addUser(_ login: String, id: Int, name: String?) {
        users[login] = (id, name)
    }

    func user(_ login: String) -> (Int, [String: String], [UInt8]) {
        guard let user = users[login] else { return json(404, ["message": "Not Found"]) }
        return json(200, ["login": login, "id": user.id, "name": user.name as Any? ?? NSNull(), "type": "User"])
    }

    /// `POST …/issues/{n}/reactions`, `POST …/issues/comments/{id}/reactions` and `POST …/pulls/{n}/requested_reviewers`;
    /// nil for every other route.
    func routePeople(_ method: String, _ repository: String, _ rest: [String], _ input: [String: Any]) -> (Int, [String: String], [UInt8])? {
        guard method == "POST" else { return nil }
        if rest.count == 3, rest[0] == "issues", rest[2] == "reactions", let number = Int(rest[1]) {
            guard issues[repository]?[number] != nil || pullRequests[repository]?[number] != nil else { return json(404, ["message": "Not Found"]) }
            return react(repository, issue: number, comment: nil, input)
        }
        if rest.count == 4, rest[0] == "issues", rest[1] == "comments", rest[3] == "reactions", let id = Int(rest[2]) {
            guard comments.contains(where: { $0.id == id }) else { return json(404, ["message": "Not Found"]) }
            return react(repository, issue: nil, comment: id, input)
        }
        if rest.count == 3, rest[0] == "pulls", rest[2] == "requested_reviewers", let number = Int(rest[1]) {
            return requestReviewers(repository, number, input["reviewers"] as? [String] ?? [])
        }
        return nil
    }

    private func react(_ repository: String, issue: Int?, comment: Int?, _ input: [String: Any]) -> (Int, [String: String], [UInt8]) {
        let content = input["content"] as? String ?? ""
        let allowed = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]
        guard allowed.contains(content) else { return json(422, ["message": "Validation Failed: content"]) }
        reactions.append(Reaction(repository: repository, issue: issue, comment: comment, content: content))
        return json(201, ["id": reactions.count, "content": content, "user": ["login": "token-owner", "type": "User"]])
    }

    /// As GitHub: 422 when a reviewer is not a collaborator or is the pull request's author (`token-owner`: the
    /// token's user opened it).
    private func requestReviewers(_ repository: String, _ number: Int, _ reviewers: [String]) -> (Int, [String: String], [UInt8]) {
        guard let pull = pullRequests[repository]?[number] else { return json(404, ["message": "Not Found"]) }
        if reviewers.contains("token-owner") {
            return json(422, ["message": "Review cannot be requested from pull request author."])
        }
        if let stranger = reviewers.first(where: { (permissions["\(repository)/\($0)"] ?? "none") == "none" }) {
            return json(422, ["message": "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the \(repository) repository. (\(stranger))"])
        }
        reviewRequests["\(repository)#\(number)", default: []] += reviewers
        return json(201, ["number": pull.number, "title": pull.title, "body": pull.body, "state": pull.state, "draft": pull.draft,
                          "html_url": "https://github.com/\(repository)/pull/\(pull.number)", "head": ["ref": pull.head], "base": ["ref": pull.base],
                          "requested_reviewers": (reviewRequests["\(repository)#\(number)"] ?? []).map { ["login": $0] }])
    }
}
