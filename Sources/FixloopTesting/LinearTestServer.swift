import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// A Linear GraphQL server on loopback: `POST /graphql`, answering the operations Fixloop sends (by
/// `operationName`) from memory, recording every request, with scriptable rate limits.
public struct LinearTestServer: Sendable {
    public let state: LinearTestState

    public init(apiKey: String = "lin_api_test") { state = LinearTestState(apiKey: apiKey) }

    /// Runs the server; the endpoint is `server.baseURL/graphql`.
    public func run<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ body: (LoopbackServer) async throws -> T) async throws -> T {
        let router = Router()
        let state = self.state
        router.post("/graphql") { request, _ in
            var request = request
            let data = try await request.collectBody(upTo: 4 << 20)
            let (status, headers, json) = await state.handle(authorization: request.headers[.authorization], body: Data(data.readableBytesView))
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        return try await LoopbackServer.with(router, body)
    }
}

/// The Linear server's memory.
public actor LinearTestState {
    public struct Issue: Sendable, Equatable {
        public var id: String, identifier: String, title: String, description: String, priority: Int, labelIDs: [String], teamID: String
        /// Its workflow state (one of ``LinearTestState/workflowStates``); new issues are in Todo.
        public var stateID = "state-todo"
    }

    /// Each team's workflow states, in a shuffled order with `position` giving Linear's (as the API may list them).
    public static let workflowStates: [(id: String, name: String, type: String, position: Double)] = [
        ("state-done", "Done", "completed", 3), ("state-progress", "In Progress", "started", 2), ("state-backlog", "Backlog", "backlog", 0),
        ("state-todo", "Todo", "unstarted", 1), ("state-canceled", "Canceled", "canceled", 4),
    ]

    let apiKey: String
    public private(set) var issues: [Issue] = []
    public private(set) var comments: [(issueID: String, body: String)] = []
    public private(set) var attachments: [String: String] = [:]  // url → issue id
    public private(set) var operations: [String] = []
    private var rateLimitedCalls = 0
    private let teams = [("team-1", "ENG", "Engineering")]

    init(apiKey: String) { self.apiKey = apiKey }

    /// Adds an issue directly. - Returns: its identifier, e.g. `ENG-1`.
    @discardableResult
    public func addIssue(title: String, description: String) -> String {
        let issue = Issue(id: UUID().uuidString.lowercased(), identifier: "ENG-\(issues.count + 1)", title: title,
                          description: description, priority: 0, labelIDs: [], teamID: "team-1")
        issues.append(issue)
        return issue.identifier
    }

    /// Moves an issue to a workflow state directly (`state-done` closes it).
    public func setIssueState(_ identifier: String, _ stateID: String) {
        guard let index = issues.firstIndex(where: { $0.identifier == identifier }) else { return }
        issues[index].stateID = stateID
    }

    /// The next `count` calls answer with a GraphQL RATELIMITED error and HTTP 429.
    public func rateLimit(count: Int) { rateLimitedCalls += count }

    func handle(authorization: String?, body: Data) -> (Int, [String: String], [UInt8]) {
        guard authorization == apiKey || authorization == "Bearer \(apiKey)" else {
            return reply(401, ["errors": [["message": "Authentication required"]]])
        }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        let operation = object["operationName"] as? String ?? ""
        let variables = object["variables"] as? [String: Any] ?? [:]
        operations.append(operation)
        if rateLimitedCalls > 0 {
            rateLimitedCalls -= 1
            return reply(429, ["errors": [["message": "Rate limit exceeded", "extensions": ["code": "RATELIMITED"]]]], headers: ["Retry-After": "2"])
        }
        let input = variables["input"] as? [String: Any] ?? [:]
        switch operation {
        case "Issue":
            let key = variables["id"] as? String ?? ""
            let issue = issues.first { $0.identifier == key || $0.id == key }
            return reply(200, ["data": ["issue": issue.map(json) as Any? ?? NSNull()]])
        case "TeamLabels":  // planner: label names → ids
            return reply(200, ["data": ["team": ["labels": ["nodes": [["id": "label-fixloop", "name": "fixloop"], ["id": "label-bug", "name": "Bug"]]]]]])
        case "Teams":
            return reply(200, ["data": ["teams": ["nodes": teams.map { ["id": $0.0, "key": $0.1, "name": $0.2] }]]])
        case "CreateIssue":
            let id = (input["id"] as? String) ?? UUID().uuidString.lowercased()
            if issues.contains(where: { $0.id == id }) {
                return reply(200, ["errors": [["message": "Entity already exists: \(id)"]]])
            }
            let issue = Issue(id: id, identifier: "ENG-\(issues.count + 1)", title: input["title"] as? String ?? "",
                              description: input["description"] as? String ?? "", priority: input["priority"] as? Int ?? 0,
                              labelIDs: input["labelIds"] as? [String] ?? [], teamID: input["teamId"] as? String ?? "")
            issues.append(issue)
            return reply(200, ["data": ["issueCreate": ["success": true, "issue": json(issue)]]])
        case "WorkflowStates":
            let team = variables["teamId"] as? String ?? ""
            let nodes = teams.contains { $0.0 == team }
                ? Self.workflowStates.map { ["id": $0.id, "name": $0.name, "type": $0.type, "position": $0.position] as [String: Any] } : []
            return reply(200, ["data": ["workflowStates": ["nodes": nodes]]])
        case "UpdateIssueState":
            let key = variables["id"] as? String ?? ""
            guard let index = issues.firstIndex(where: { $0.id == key || $0.identifier == key }),
                  let state = input["stateId"] as? String, Self.workflowStates.contains(where: { $0.id == state }) else {
                return reply(200, ["errors": [["message": "Entity not found: \(key)"]]])
            }
            issues[index].stateID = state
            return reply(200, ["data": ["issueUpdate": ["success": true]]])
        case "CreateComment":
            comments.append((input["issueId"] as? String ?? "", input["body"] as? String ?? ""))
            return reply(200, ["data": ["commentCreate": ["success": true]]])
        case "CreateAttachment":
            attachments[input["url"] as? String ?? ""] = input["issueId"] as? String
            return reply(200, ["data": ["attachmentCreate": ["success": true]]])
        case "AttachmentsForURL":
            let id = attachments[variables["url"] as? String ?? ""]
            let found = issues.filter { $0.id == id }.map { ["issue": json($0)] }
            return reply(200, ["data": ["attachmentsForURL": ["nodes": found]]])
        default:
            return reply(400, ["errors": [["message": "Unknown operation \(operation)"]]])
        }
    }

    private func json(_ issue: Issue) -> [String: Any] {
        ["id": issue.id, "identifier": issue.identifier, "title": issue.title, "description": issue.description,
         "url": "https://linear.app/acme/issue/\(issue.identifier)", "labels": ["nodes": [[String: Any]]()],
         "team": ["id": issue.teamID, "key": "ENG"]]
    }

    private func reply(_ status: Int, _ object: [String: Any], headers: [String: String] = [:]) -> (Int, [String: String], [UInt8]) {
        (status, headers, Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data()))
    }
}
