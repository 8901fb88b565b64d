import FixloopCore
import FixloopHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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

    /// The plain-text log of Actions job `job`. GitHub answers with a redirect to a short-lived download URL on
    /// another host; it is followed here, without the token (FoundationNetworking would send the `Authorization`
    /// header along to the other host). - Returns: nil when the log is gone (404 or 410: logs expire).
    public func jobLog(_ owner: String, _ name: String, job: Int) async throws -> String? {
        let path = "/repos/\(owner)/\(name)/actions/jobs/\(job)/logs"
        let first: HTTPAnswer
        do {
            first = try await answer("GET", path, query: [], body: nil, stoppingAtRedirects: true)
        } catch let error as GitHubError where error.status == 404 || error.status == 410 {
            return nil
        }
        guard (300..<400).contains(first.status) else { return String(decoding: first.body, as: UTF8.self) }
        guard let location = first.header("location"), let target = URL(string: location, relativeTo: baseURL)?.absoluteURL,
              ["http", "https"].contains(target.scheme?.lowercased() ?? "") else {
            throw GitHubError(.server, status: first.status, "GET \(path) redirected without a usable Location; try again later.")
        }
        var request = URLRequest(url: target)
        request.setValue("fixloop", forHTTPHeaderField: "User-Agent")
        let outcome = try await retry.send(request, session: RedirectRefusal.session, timeout: .seconds(60))
        switch outcome.result {
        case .noAnswer:
            throw GitHubError(.transport, status: nil, "The log of job \(job) could not be downloaded from \(target.host ?? "its download URL"); check the network.")
        case .answer(let download) where download.succeeded:
            return String(decoding: download.body, as: UTF8.self)
        case .answer(let download) where [403, 404, 410].contains(download.status):
            // An expired log, or a download URL that expired before it was used.
            return nil
        case .answer(let download):
            throw GitHubError(.server, status: download.status, "The log of job \(job) could not be downloaded (\(download.status)); try again later.")
        }
    }
}

/// A session that hands redirects back instead of following them, so the token never travels to another host.
enum RedirectRefusal {
    static let session = URLSession(configuration: .ephemeral, delegate: Delegate(), delegateQueue: nil)

    final class Delegate: NSObject, URLSessionTaskDelegate, Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
            newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }
}
