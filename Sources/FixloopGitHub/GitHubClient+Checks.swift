import FixloopCore
import Foundation

extension GitHubClient {
    /// The check runs on commit `ref` (the first 100).
    public func checkRuns(_ owner: String, _ name: String, ref: String) async throws -> [GitHubCheckRun] {
        let list: GitHubCheckRunList = try await send(
            "GET", "/repos/\(owner)/\(name)/commits/\(ref)/check-runs", query: [URLQueryItem(name: "per_page", value: "100")])
        return list.checkRuns
    }

    /// The annotations of check run `checkRun` (the first 100).
    public func checkRunAnnotations(_ owner: String, _ name: String, checkRun: Int) async throws -> [GitHubCheckAnnotation] {
        try await send("GET", "/repos/\(owner)/\(name)/check-runs/\(checkRun)/annotations", query: [URLQueryItem(name: "per_page", value: "100")])
    }

    /// The jobs of the latest attempt of Actions run `run` (the first 100).
    public func workflowJobs(_ owner: String, _ name: String, run: Int) async throws -> [GitHubWorkflowJob] {
        let list: GitHubWorkflowJobList = try await send(
            "GET", "/repos/\(owner)/\(name)/actions/runs/\(run)/jobs",
            query: [URLQueryItem(name: "filter", value: "latest"), URLQueryItem(name: "per_page", value: "100")])
        return list.jobs
    }

    /// The plain-text log of Actions job `job`: GitHub answers with a redirect to a short-lived download URL, which
    /// is followed. - Returns: nil when the log is gone (404 or 410: logs expire after the retention period).
    public func jobLog(_ owner: String, _ name: String, job: Int) async throws -> String? {
        do {
            let data = try await raw("GET", "/repos/\(owner)/\(name)/actions/jobs/\(job)/logs", query: [], body: nil)
            return String(decoding: data, as: UTF8.self)
        } catch let error as GitHubError where error.status == 404 || error.status == 410 {
            return nil
        }
    }
}
