import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A GitHub REST server on loopback for tests: issues, comments, pull requests, repositories and permissions,
/// kept in memory, with every request recorded and failures (rate limits, 5xx) scriptable.
public struct GitHubTestServer: Sendable {
    public let state: GitHubTestState

    public init(token: String? = "test-token", defaultBranch: String = "main") {
        state = GitHubTestState(token: token, defaultBranch: defaultBranch)
    }

    /// Runs the server for the duration of `body`; `server.baseURL` is the API root (`GITHUB_API_URL`).
    public func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (LoopbackServer) async throws -> T
    ) async throws -> T {
        let router = Router()
        let state = self.state
        for method in [HTTPRequest.Method.get, .post, .patch, .put, .delete] {
            router.on("**", method: method) { request, _ in
                var request = request
                let data = try await request.collectBody(upTo: 16 << 20)
                let answer = await state.handle(
                    method: request.method.rawValue, path: request.uri.path, query: request.uri.queryParameters.reduce(into: [:]) { $0[String($1.key)] = String($1.value) },
                    authorization: request.headers[.authorization], body: Data(data.readableBytesView))
                var headers = HTTPFields()
                headers[.contentType] = "application/json"
                for (name, value) in answer.headers { headers[HTTPField.Name(name)!] = value }
                return Response(status: .init(code: answer.status), headers: headers,
                                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
            }
        }
        return try await LoopbackServer.with(router) { server in
            await state.setPort(server.port)
            return try await body(server)
        }
    }
}

/// The server's memory. Tests read it to assert what Fixloop did, and script failures into it.
public actor GitHubTestState {
    public struct Issue: Sendable, Equatable {
        public var number: Int, title: String, body: String, state: String, labels: [String]
    }
    public struct Comment: Sendable, Equatable {
        public var id: Int, issue: Int, body: String
        /// The author; a comment posted through the API is the token's user, an `OWNER` (as a person's token is).
        public var author = "token-owner", association = "OWNER", isBot = false
    }
    public struct PullRequest: Sendable, Equatable {
        public var number: Int, title: String, body: String, head: String, base: String, draft: Bool, state: String
        public var labels: [String] = []
        public var mergedAt: Date?
        public var mergeCommit: String?
        /// The head commit the API reports (`head.sha`); nil: none reported.
        public var headSHA: String?
    }
    public struct ReviewComment: Sendable, Equatable {
        public var id: Int, pullRequest: Int, body: String, path: String, line: Int?, diffHunk: String, author: String, association: String, isBot: Bool
    }
    public struct RecordedRequest: Sendable, Equatable {
        public var method: String, path: String, body: String
    }
    struct Failure { var method: String, pathPrefix: String, remaining: Int, status: Int, headers: [String: String], message: String }

    let token: String?
    let defaultBranch: String
    public private(set) var issues: [String: [Int: Issue]] = [:]
    public private(set) var comments: [Comment] = []
    public private(set) var pullRequests: [String: [Int: PullRequest]] = [:]
    public private(set) var reviewComments: [String: [ReviewComment]] = [:]
    public private(set) var requests: [RecordedRequest] = []
    /// Reactions made, in order (``GitHubTestState+People``).
    public internal(set) var reactions: [Reaction] = []
    /// Reviewers asked per pull request (`OWNER/NAME#N`), in order.
    public internal(set) var reviewRequests: [String: [String]] = [:]
    /// Accounts `GET /users/{login}` knows.
    var users: [String: (id: Int, name: String?)] = [:]
    var permissions: [String: String] = [:]
    private var failures: [Failure] = []
    private var nextNumber: [String: Int] = [:]
    private var nextCommentID = 1000
    /// Check runs, annotations, Actions jobs and logs (`GitHubTestServer+Checks.swift`).
    var checks = GitHubTestChecks()
    var port = 0

    init(token: String?, defaultBranch: String) {
        self.token = token
        self.defaultBranch = defaultBranch
    }

    /// Adds a pull request someone (or an earlier run) opened on `owner/name`. - Returns: its number.
    @discardableResult
    public func addPullRequest(_ repository: String, title: String, body: String, head: String, base: String = "main") -> Int {
        let number = allocate(repository)
        pullRequests[repository, default: [:]][number] = PullRequest(number: number, title: title, body: body, head: head, base: base, draft: true, state: "open")
        return number
    }

    /// Adds a review comment on `path` at `line` of pull request `pullRequest`. - Returns: its id.
    @discardableResult
    public func addReviewComment(
        _ repository: String, pullRequest: Int, body: String, path: String, line: Int?, diffHunk: String = "@@ -1 +1 @@",
        author: String, association: String, isBot: Bool = false
    ) -> Int {
        nextCommentID += 1
        reviewComments[repository, default: []].append(ReviewComment(
            id: nextCommentID, pullRequest: pullRequest, body: body, path: path, line: line, diffHunk: diffHunk, author: author,
            association: association, isBot: isBot))
        return nextCommentID
    }

    /// Adds a comment someone else wrote on issue `issue` of `owner/name`. - Returns: its id.
    @discardableResult
    public func addComment(_ repository: String, issue: Int, body: String, author: String, association: String, isBot: Bool = false) -> Int {
        nextCommentID += 1
        comments.append(Comment(id: nextCommentID, issue: issue, body: body, author: author, association: association, isBot: isBot))
        return nextCommentID
    }

    /// Adds an issue to `owner/name`. - Returns: its number.
    @discardableResult
    public func addIssue(_ repository: String, title: String, body: String, labels: [String] = []) -> Int {
        let number = allocate(repository)
        issues[repository, default: [:]][number] = Issue(number: number, title: title, body: body, state: "open", labels: labels)
        return number
    }

    /// Merges pull request `number`, as someone pressing the button would: closed, merged at `date` as `commit`.
    /// Sets the head commit the API reports for pull request `number` (as a push to its branch would).
    public func setPullRequestHead(_ repository: String, number: Int, sha: String) {
        pullRequests[repository]?[number]?.headSHA = sha
    }

    public func mergePullRequest(_ repository: String, number: Int, commit: String, at date: Date) {
        pullRequests[repository]?[number]?.state = "closed"
        pullRequests[repository]?[number]?.mergedAt = date
        pullRequests[repository]?[number]?.mergeCommit = commit
    }

    /// Sets an issue's state (`open`, `closed`), as someone closing it on GitHub would.
    public func setIssueState(_ repository: String, number: Int, _ state: String) {
        issues[repository]?[number]?.state = state
    }

    /// Moves a pull request on, as its reviewers would: out of draft, merged (closed with a merge) or closed.
    public func setPullRequest(_ repository: String, number: Int, draft: Bool? = nil, merged: Bool? = nil, state: String? = nil) {
        guard var pull = pullRequests[repository]?[number] else { return }
        pull.draft = draft ?? pull.draft
        if merged == true && pull.mergedAt == nil { pull.mergedAt = Date(timeIntervalSince1970: 1_749_722_400) }
        if merged == false { pull.mergedAt = nil }
        pull.state = merged == true ? "closed" : state ?? pull.state
        pullRequests[repository]![number] = pull
    }

    /// Changes an issue's title, as someone editing it on GitHub would.
    public func editIssue(_ repository: String, number: Int, title: String) {
        issues[repository]?[number]?.title = title
    }

    /// Sets a user's permission on a repository (`write`, `read`, …).
    public func setPermission(_ repository: String, user: String, _ permission: String) {
        permissions["\(repository)/\(user)"] = permission
    }

    /// The next `count` requests matching `method` and the path prefix answer `status` with `headers`.
    public func fail(_ method: String, pathPrefix: String, count: Int = 1, status: Int, headers: [String: String] = [:], message: String = "scripted failure") {
        failures.append(Failure(method: method, pathPrefix: pathPrefix, remaining: count, status: status, headers: headers, message: message))
    }

    func handle(method: String, path: String, query: [String: String], authorization: String?, body: Data) -> (status: Int, headers: [String: String], body: [UInt8]) {
        requests.append(RecordedRequest(method: method, path: path, body: String(decoding: body, as: UTF8.self)))
        if path.hasPrefix("/app/") { return handleApp(method: method, path: path, authorization: authorization) }
        if path.hasPrefix("/app-manifests/") { return convertManifest(method: method, path: path) }
        if path.hasPrefix("/_blobs/") { return blob(path: path, authorization: authorization) }
        if let token, authorization != "Bearer \(token)", !acceptsInstallationToken(authorization) { return json(401, ["message": "Bad credentials"]) }
        if let index = failures.firstIndex(where: { $0.method == method && path.hasPrefix($0.pathPrefix) && $0.remaining > 0 }) {
            failures[index].remaining -= 1
            return json(failures[index].status, ["message": failures[index].message], headers: failures[index].headers)
        }
        let input = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let parts = path.split(separator: "/").map(String.init)
        if parts.count == 2, parts[0] == "users", method == "GET" { return user(parts[1]) }
        guard parts.count >= 3, parts[0] == "repos" else { return json(404, ["message": "Not Found"]) }
        let repository = "\(parts[1])/\(parts[2])"
        if let answer = routePeople(method, repository, Array(parts.dropFirst(3)), input) { return answer }
        return route(method, repository, Array(parts.dropFirst(3)), query, input)
    }

    private func route(_ method: String, _ repository: String, _ rest: [String], _ query: [String: String], _ input: [String: Any]) -> (Int, [String: String], [UInt8]) {
        switch (method, rest.count, rest.first) {
        case ("GET", 0, _):
            return json(200, ["full_name": repository, "default_branch": defaultBranch,
                              "clone_url": "https://github.com/\(repository).git", "html_url": "https://github.com/\(repository)"])
        case ("GET", 1, "issues"):
            let wanted = query["labels"].map { Set($0.split(separator: ",").map(String.init)) } ?? []
            let list = (issues[repository] ?? [:]).values.sorted { $0.number < $1.number }
                .filter { wanted.isSubset(of: Set($0.labels)) }.map { issueJSON(repository, $0) }
            // Pages as GitHub does (`page`, `per_page`, default 30).
            let (page, perPage) = (max(1, Int(query["page"] ?? "") ?? 1), max(1, Int(query["per_page"] ?? "") ?? 30))
            return json(200, Array(list.dropFirst((page - 1) * perPage).prefix(perPage)))
        case ("POST", 1, "issues"):
            let number = addIssue(repository, title: input["title"] as? String ?? "", body: input["body"] as? String ?? "", labels: input["labels"] as? [String] ?? [])
            return json(201, issueJSON(repository, issues[repository]![number]!))
        case ("GET", 2, "issues"):
            guard let number = Int(rest[1]), let issue = issues[repository]?[number] else { return json(404, ["message": "Not Found"]) }
            return json(200, issueJSON(repository, issue))
        case ("PATCH", 2, "issues"):
            guard let number = Int(rest[1]), var issue = issues[repository]?[number] else { return json(404, ["message": "Not Found"]) }
            issue.state = input["state"] as? String ?? issue.state
            issue.title = input["title"] as? String ?? issue.title
            issues[repository]![number] = issue
            return json(200, issueJSON(repository, issue))
        case ("GET", 3, "issues") where rest[2] == "comments":
            let number = Int(rest[1]) ?? 0
            return json(200, comments.filter { $0.issue == number }.map { commentJSON(repository, $0) })
        case ("POST", 3, "issues") where rest[2] == "comments":
            guard let number = Int(rest[1]), issues[repository]?[number] != nil || pullRequests[repository]?[number] != nil else {
                return json(404, ["message": "Not Found"])
            }
            nextCommentID += 1
            let comment = Comment(id: nextCommentID, issue: number, body: input["body"] as? String ?? "")
            comments.append(comment)
            return json(201, commentJSON(repository, comment))
        case ("POST", 3, "issues") where rest[2] == "labels":
            let labels = input["labels"] as? [String] ?? []
            guard let number = Int(rest[1]), !labels.isEmpty else { return json(422, ["message": "Validation Failed: labels"]) }
            if var pull = pullRequests[repository]?[number] {
                pull.labels += labels.filter { !pull.labels.contains($0) }
                pullRequests[repository]![number] = pull
                return json(200, pull.labels.map { ["name": $0] })
            }
            guard var issue = issues[repository]?[number] else { return json(404, ["message": "Not Found"]) }
            issue.labels += labels.filter { !issue.labels.contains($0) }
            issues[repository]![number] = issue
            return json(200, issue.labels.map { ["name": $0] })
        case ("PATCH", 3, "issues") where rest[1] == "comments":
            guard let id = Int(rest[2]), let index = comments.firstIndex(where: { $0.id == id }) else { return json(404, ["message": "Not Found"]) }
            comments[index].body = input["body"] as? String ?? comments[index].body
            return json(200, commentJSON(repository, comments[index]))
        case ("GET", 1, "pulls"):
            let head = query["head"].map { String($0.split(separator: ":").last ?? "") }
            let list = (pullRequests[repository] ?? [:]).values.sorted { $0.number < $1.number }
                .filter { head == nil || $0.head == head }.filter { query["base"] == nil || $0.base == query["base"] }.filter { query["state"] == "all" || $0.state == "open" }
            return json(200, list.map { pullJSON(repository, $0) })
        case ("POST", 1, "pulls"):
            let head = String((input["head"] as? String ?? "").split(separator: ":").last ?? "")
            if (pullRequests[repository] ?? [:]).values.contains(where: { $0.head == head && $0.state == "open" }) {
                return json(422, ["message": "Validation Failed: A pull request already exists for \(head)."])
            }
            let number = allocate(repository)
            let pull = PullRequest(number: number, title: input["title"] as? String ?? "", body: input["body"] as? String ?? "",
                                   head: head, base: input["base"] as? String ?? defaultBranch, draft: input["draft"] as? Bool ?? false, state: "open")
            pullRequests[repository, default: [:]][number] = pull
            return json(201, pullJSON(repository, pull))
        case ("GET", 2, "pulls"):
            guard let number = Int(rest[1]), let pull = pullRequests[repository]?[number] else { return json(404, ["message": "Not Found"]) }
            return json(200, pullJSON(repository, pull))
        case ("GET", 3, "pulls") where rest[2] == "comments":
            guard let number = Int(rest[1]), pullRequests[repository]?[number] != nil else { return json(404, ["message": "Not Found"]) }
            return json(200, (reviewComments[repository] ?? []).filter { $0.pullRequest == number }.map { comment -> [String: Any] in
                ["id": comment.id, "body": comment.body, "path": comment.path, "line": comment.line as Any? ?? NSNull(), "diff_hunk": comment.diffHunk,
                 "html_url": "https://github.com/\(repository)/pull/\(number)#discussion_r\(comment.id)",
                 "user": ["login": comment.author, "type": comment.isBot ? "Bot" : "User"], "author_association": comment.association]
            })
        case ("PATCH", 2, "pulls"):
            guard let number = Int(rest[1]), var pull = pullRequests[repository]?[number] else { return json(404, ["message": "Not Found"]) }
            pull.title = input["title"] as? String ?? pull.title
            pull.body = input["body"] as? String ?? pull.body
            pullRequests[repository]![number] = pull
            return json(200, pullJSON(repository, pull))
        case ("GET", 3, "collaborators") where rest[2] == "permission":
            return json(200, ["permission": permissions["\(repository)/\(rest[1])"] ?? "none"])
        default:
            return routeChecks(method, repository, rest) ?? json(404, ["message": "Not Found"])
        }
    }

    // MARK: GitHub App installation tokens

    /// The JWTs the app presented, in order (tests verify their signatures).
    public private(set) var appJWTs: [String] = []
    /// Installation tokens handed out, with their expiry.
    public private(set) var installationTokens: [(token: String, installation: Int, expires: Date)] = []
    private var installationTokenLifetime: TimeInterval = 3600

    /// How long the next installation tokens live (GitHub: one hour).
    public func setInstallationTokenLifetime(_ seconds: TimeInterval) { installationTokenLifetime = seconds }

    private func handleApp(method: String, path: String, authorization: String?) -> (Int, [String: String], [UInt8]) {
        let parts = path.split(separator: "/").map(String.init)
        guard method == "POST", parts.count == 4, parts[1] == "installations", let installation = Int(parts[2]), parts[3] == "access_tokens" else {
            return json(404, ["message": "Not Found"])
        }
        guard let jwt = authorization?.split(separator: " ").last.map(String.init), jwt.split(separator: ".").count == 3 else {
            return json(401, ["message": "A JSON web token could not be decoded"])
        }
        appJWTs.append(jwt)
        let token = "ghs_installation_\(installation)_\(installationTokens.count + 1)"
        let expires = Date().addingTimeInterval(installationTokenLifetime)
        installationTokens.append((token, installation, expires))
        let formatter = ISO8601DateFormatter()
        return json(201, ["token": token, "expires_at": formatter.string(from: expires)])
    }

    /// The codes exchanged at `POST /app-manifests/{code}/conversions`, in order.
    public private(set) var manifestConversions: [String] = []

    /// The App every manifest conversion creates: its id, private key (PEM) and webhook secret.
    public static let convertedApp = (id: 4242, pem: "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n", webhookSecret: "whsec-from-manifest")

    /// GitHub's manifest flow: a code is good once (no token needed); a used or unknown-looking code is a 404.
    private func convertManifest(method: String, path: String) -> (Int, [String: String], [UInt8]) {
        let parts = path.split(separator: "/").map(String.init)
        guard method == "POST", parts.count == 3, parts[2] == "conversions", !manifestConversions.contains(parts[1]) else {
            return json(404, ["message": "Not Found"])
        }
        manifestConversions.append(parts[1])
        let app = Self.convertedApp
        return json(201, ["id": app.id, "slug": "fixloop-test", "name": "fixloop-test", "html_url": "https://github.com/apps/fixloop-test",
                          "pem": app.pem, "webhook_secret": app.webhookSecret, "client_id": "Iv1.test", "client_secret": "client-secret"])
    }

    private func acceptsInstallationToken(_ authorization: String?) -> Bool {
        installationTokens.contains { "Bearer \($0.token)" == authorization && $0.expires > Date() }
    }

    private func allocate(_ repository: String) -> Int {
        let number = (nextNumber[repository] ?? 0) + 1
        nextNumber[repository] = number
        return number
    }

    private func issueJSON(_ repository: String, _ issue: Issue) -> [String: Any] {
        ["number": issue.number, "title": issue.title, "body": issue.body, "state": issue.state,
         "html_url": "https://github.com/\(repository)/issues/\(issue.number)", "labels": issue.labels.map { ["name": $0] }]
    }

    private func commentJSON(_ repository: String, _ comment: Comment) -> [String: Any] {
        ["id": comment.id, "body": comment.body, "html_url": "https://github.com/\(repository)/issues/\(comment.issue)#issuecomment-\(comment.id)",
         "user": ["login": comment.author, "type": comment.isBot ? "Bot" : "User"], "author_association": comment.association]
    }

    private func pullJSON(_ repository: String, _ pull: PullRequest) -> [String: Any] {
        ["number": pull.number, "title": pull.title, "body": pull.body, "state": pull.state, "draft": pull.draft,
         "html_url": "https://github.com/\(repository)/pull/\(pull.number)", "head": ["ref": pull.head, "sha": pull.headSHA as Any? ?? NSNull()], "base": ["ref": pull.base],
         "merged_at": pull.mergedAt.map { ISO8601DateFormatter().string(from: $0) } as Any? ?? NSNull(),
         "merge_commit_sha": pull.mergeCommit as Any? ?? NSNull()]
    }

    func json(_ status: Int, _ object: Any, headers: [String: String] = [:]) -> (Int, [String: String], [UInt8]) {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return (status, headers, Array(data))
    }
}
