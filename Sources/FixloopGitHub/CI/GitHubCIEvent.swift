import Foundation

/// A `check_run`, `check_suite` or `workflow_run` webhook delivery, reduced to what a CI round needs: which commit
/// on which branch finished, whether it failed, and the pull requests GitHub matched to it.
public struct GitHubCIEvent: Sendable, Equatable {
    public enum Kind: String, Sendable { case checkRun = "check_run", checkSuite = "check_suite", workflowRun = "workflow_run" }

    public var kind: Kind
    /// The payload's `action` (`completed`, `requested`, `rerequested`, …).
    public var action: String
    /// `owner/name`.
    public var repository: String
    public var headSHA: String
    /// The branch the commit is on (nil for a check run whose suite names none, or a fork).
    public var headBranch: String?
    public var status: String?
    public var conclusion: String?
    /// The pull requests GitHub matched to the commit (empty for forks).
    public var pullRequests: [Int]
    /// The GitHub Actions run, for `workflow_run` and for Actions check runs.
    public var workflowRunID: Int?
    /// The App installation that received the delivery.
    public var installation: Int?
    /// The name of the check run or the workflow.
    public var name: String?

    /// True when the delivery reports a completed failure (`failure`, `timed_out`, `startup_failure`).
    public var isCompletedFailure: Bool {
        action == "completed" && GitHubCheckRun.failingConclusions.contains(conclusion ?? "")
    }

    /// Decodes a delivery of webhook event `event` (the `X-GitHub-Event` header).
    /// - Returns: nil for any other event.
    /// - Throws: ``GitHubError`` `.decoding` when the body is not that event's payload.
    public static func decode(event: String, body: Data) throws -> GitHubCIEvent? {
        guard let kind = Kind(rawValue: event) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            let payload = try decoder.decode(Payload.self, from: body)
            switch kind {
            case .checkRun:
                guard let run = payload.checkRun else { throw Missing() }
                let runID = GitHubCheckRun(id: run.id, name: run.name, headSha: run.headSha, status: run.status,
                                           conclusion: run.conclusion, detailsUrl: run.detailsUrl, app: run.app).actionsRunID
                return GitHubCIEvent(
                    kind: kind, action: payload.action, repository: payload.repository.fullName, headSHA: run.headSha,
                    headBranch: run.checkSuite?.headBranch, status: run.status, conclusion: run.conclusion,
                    pullRequests: (run.pullRequests ?? []).map(\.number), workflowRunID: runID,
                    installation: payload.installation?.id, name: run.name)
            case .checkSuite:
                guard let suite = payload.checkSuite else { throw Missing() }
                return GitHubCIEvent(
                    kind: kind, action: payload.action, repository: payload.repository.fullName, headSHA: suite.headSha,
                    headBranch: suite.headBranch, status: suite.status, conclusion: suite.conclusion,
                    pullRequests: (suite.pullRequests ?? []).map(\.number), workflowRunID: nil,
                    installation: payload.installation?.id, name: suite.app?.slug)
            case .workflowRun:
                guard let run = payload.workflowRun else { throw Missing() }
                return GitHubCIEvent(
                    kind: kind, action: payload.action, repository: payload.repository.fullName, headSHA: run.headSha,
                    headBranch: run.headBranch, status: run.status, conclusion: run.conclusion,
                    pullRequests: (run.pullRequests ?? []).map(\.number), workflowRunID: run.id,
                    installation: payload.installation?.id, name: run.name)
            }
        } catch {
            throw GitHubError(.decoding, status: nil, "The \(event) delivery is not a \(event) payload Fixloop can read; check the webhook's content type is application/json.")
        }
    }

    private struct Missing: Error {}

    private struct Payload: Decodable {
        var action: String
        var repository: Repository
        var installation: Installation?
        var checkRun: CheckRun?
        var checkSuite: CheckSuite?
        var workflowRun: WorkflowRun?
    }
    private struct Repository: Decodable { var fullName: String }
    private struct Installation: Decodable { var id: Int }
    private struct PullRequest: Decodable { var number: Int }
    private struct CheckRun: Decodable {
        var id: Int
        var name: String
        var headSha: String
        var status: String
        var conclusion: String?
        var detailsUrl: String?
        var app: GitHubCheckRun.App?
        var checkSuite: CheckSuite?
        var pullRequests: [PullRequest]?
    }
    private struct CheckSuite: Decodable {
        var id: Int?
        var headBranch: String?
        var headSha: String
        var status: String?
        var conclusion: String?
        var app: GitHubCheckRun.App?
        var pullRequests: [PullRequest]?
    }
    private struct WorkflowRun: Decodable {
        var id: Int
        var name: String?
        var headBranch: String?
        var headSha: String
        var status: String?
        var conclusion: String?
        var pullRequests: [PullRequest]?
    }
}
