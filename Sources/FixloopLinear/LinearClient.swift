import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Linear's GraphQL API: read an issue, create issues, comments and attachments, find an issue by attachment URL.
///
/// Every operation is sent with its `operationName`. Rate limits (HTTP 429 or `extensions.code: RATELIMITED`)
/// are waited out within ``maxWait``; GraphQL `errors` become a ``LinearError`` that quotes Linear's message.
public struct LinearClient: Sendable {
    /// `LINEAR_API_URL`, by default `https://api.linear.app/graphql`.
    public let endpoint: URL
    let apiKey: Secret
    let session: URLSession
    /// When to try again (``RetryPolicy/trackerAPI``: a rate limit waited out as Linear names it); tests set its sleep.
    public var retry = RetryPolicy.trackerAPI

    /// - Parameters:
    ///   - endpoint: the GraphQL endpoint.
    ///   - apiKey: `LINEAR_API_KEY`; personal keys go bare in `Authorization`, OAuth tokens (`lin_oauth_…`) as Bearer.
    public init(endpoint: URL = URL(string: "https://api.linear.app/graphql")!, apiKey: Secret, session: URLSession = .shared) {
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.session = session
    }

    /// An issue by identifier (`ENG-42`) or id.
    public func issue(_ identifier: String) async throws -> LinearIssue {
        struct Data: Decodable { var issue: LinearIssue? }
        let data: Data = try await perform("Issue", """
            query Issue($id: String!) { issue(id: $id) { id identifier title description url labels { nodes { name } } team { id key } } }
            """, variables: ["id": .string(identifier)])
        guard let issue = data.issue else {
            throw LinearError(kind: .notFound, "Linear has no issue \(identifier); check the key and that LINEAR_API_KEY can see its team.")
        }
        return issue
    }

    public func teams() async throws -> [LinearTeam] {
        struct Data: Decodable { var teams: Nodes<LinearTeam> }
        let data: Data = try await perform("Teams", "query Teams { teams { nodes { id key name } } }", variables: [:])
        return data.teams.nodes
    }

    /// The team's issue labels (and the workspace's), by name and id, for turning label names into `labelIds`.
    public func labels(teamID: String) async throws -> [LinearLabel] {
        struct Data: Decodable { var team: Team }
        struct Team: Decodable { var labels: Nodes<LinearLabel> }
        let data: Data = try await perform("TeamLabels", """
            query TeamLabels($id: String!) { team(id: $id) { labels(first: 250) { nodes { id name } } } }
            """, variables: ["id": .string(teamID)])
        return data.team.labels.nodes
    }

    /// Creates an issue. - Parameter id: a client-chosen UUID, so a retried create cannot make a second issue.
    public func createIssue(
        teamID: String, title: String, description: String, priority: Int, labelIDs: [String], id: String? = nil
    ) async throws -> LinearIssue {
        struct Data: Decodable { var issueCreate: Payload }
        struct Payload: Decodable { var success: Bool; var issue: LinearIssue? }
        var input: [String: JSONValue] = [
            "teamId": .string(teamID), "title": .string(title), "description": .string(description),
            "priority": .integer(priority), "labelIds": .array(labelIDs.map { .string($0) }),
        ]
        if let id { input["id"] = .string(id) }
        let data: Data = try await perform("CreateIssue", """
            mutation CreateIssue($input: IssueCreateInput!) { issueCreate(input: $input) { success issue { id identifier title description url labels { nodes { name } } team { id key } } } }
            """, variables: ["input": .object(input)])
        guard data.issueCreate.success, let issue = data.issueCreate.issue else {
            throw LinearError(kind: .rejected, "Linear did not create the issue '\(title)'; check the team and labels.")
        }
        return issue
    }

    public func createComment(issueID: String, body: String) async throws {
        struct Data: Decodable { var commentCreate: Success }
        let data: Data = try await perform("CreateComment", """
            mutation CreateComment($input: CommentCreateInput!) { commentCreate(input: $input) { success } }
            """, variables: ["input": .object(["issueId": .string(issueID), "body": .string(body)])])
        guard data.commentCreate.success else { throw LinearError(kind: .rejected, "Linear did not add the comment to \(issueID).") }
    }

    /// The team's workflow states (Backlog, Todo, In Progress, Done, …), in Linear's order (`position`).
    public func workflowStates(teamID: String) async throws -> [LinearWorkflowState] {
        struct Data: Decodable { var workflowStates: Nodes<LinearWorkflowState> }
        let data: Data = try await perform("WorkflowStates", """
            query WorkflowStates($teamId: ID!) { workflowStates(filter: { team: { id: { eq: $teamId } } }, first: 100) { nodes { id name type position } } }
            """, variables: ["teamId": .string(teamID)])
        return data.workflowStates.nodes.sorted { ($0.position ?? 0, $0.name) < ($1.position ?? 0, $1.name) }
    }

    /// Moves an issue to a workflow state (`issueUpdate(id:, input: { stateId })`).
    public func setState(issueID: String, stateID: String) async throws {
        struct Data: Decodable { var issueUpdate: Success }
        let data: Data = try await perform("UpdateIssueState", """
            mutation UpdateIssueState($id: String!, $input: IssueUpdateInput!) { issueUpdate(id: $id, input: $input) { success } }
            """, variables: ["id": .string(issueID), "input": .object(["stateId": .string(stateID)])])
        guard data.issueUpdate.success else { throw LinearError(kind: .rejected, "Linear did not move \(issueID) to state \(stateID).") }
    }

    /// Reopens an issue: moves it to the team's first open state — the first `unstarted` one (Todo), else the first
    /// `started` one. - Returns: the state it is in now.
    /// - Throws: ``LinearError`` when the team has no open state.
    @discardableResult
    public func reopen(_ issue: LinearIssue) async throws -> LinearWorkflowState {
        guard let team = issue.team else {
            throw LinearError(kind: .notFound, "Linear did not say which team \(issue.identifier) belongs to, so it cannot be reopened.")
        }
        let states = try await workflowStates(teamID: team.id)
        guard let open = states.first(where: { $0.type == "unstarted" }) ?? states.first(where: { $0.type == "started" }) else {
            throw LinearError(kind: .notFound, "Team \(team.key) has no unstarted or started workflow state to reopen \(issue.identifier) in; add one in Linear's team settings.")
        }
        try await setState(issueID: issue.id, stateID: open.id)
        return open
    }

    /// Attaches `url` to an issue; Linear treats the URL as unique, so attaching it again updates the attachment.
    public func attach(issueID: String, title: String, url: String) async throws {
        struct Data: Decodable { var attachmentCreate: Success }
        let data: Data = try await perform("CreateAttachment", """
            mutation CreateAttachment($input: AttachmentCreateInput!) { attachmentCreate(input: $input) { success } }
            """, variables: ["input": .object(["issueId": .string(issueID), "title": .string(title), "url": .string(url)])])
        guard data.attachmentCreate.success else { throw LinearError(kind: .rejected, "Linear did not attach \(url) to \(issueID).") }
    }

    /// Issues that carry an attachment with `url` (how Fixloop finds the ticket it already filed for a pattern).
    public func issues(attachedTo url: String) async throws -> [LinearIssue] {
        struct Data: Decodable { var attachmentsForURL: Nodes<Attachment> }
        struct Attachment: Decodable, Sendable, Equatable { var issue: LinearIssue }
        let data: Data = try await perform("AttachmentsForURL", """
            query AttachmentsForURL($url: String!) { attachmentsForURL(url: $url) { nodes { issue { id identifier title description url labels { nodes { name } } team { id key } } } } }
            """, variables: ["url": .string(url)])
        return data.attachmentsForURL.nodes.map(\.issue)
    }
}

/// A Linear issue as Fixloop reads it.
public struct LinearIssue: Sendable, Equatable, Decodable {
    public var id: String
    public var identifier: String
    public var title: String
    public var description: String?
    public var url: String
    public var labels: Nodes<Label>?
    public var team: LinearTeam?

    public struct Label: Sendable, Equatable, Decodable { public var name: String }
}

/// A workflow state of a team; `type` is `triage`, `backlog`, `unstarted`, `started`, `completed` or `canceled`.
public struct LinearWorkflowState: Sendable, Equatable, Decodable {
    public var id: String
    public var name: String
    public var type: String
    public var position: Double?
}

/// An issue label.
public struct LinearLabel: Sendable, Equatable, Decodable {
    public var id: String
    public var name: String
}

public struct LinearTeam: Sendable, Equatable, Decodable {
    public var id: String
    public var key: String
    public var name: String?
}

/// GraphQL's connection shape.
public struct Nodes<Node: Decodable & Sendable & Equatable>: Sendable, Equatable, Decodable {
    public var nodes: [Node]
}

struct Success: Decodable { var success: Bool }
