import FixloopCore
import Foundation

/// What the checks on a commit say, for a CI round.
public enum CIFailureLookup: Sendable, Equatable {
    /// Every check completed and at least one failed: the report of why.
    case failed(CIFailureReport)
    /// Some checks have not completed yet (named); a round waits for the last completion.
    case pending([String])
    /// Every check completed and none failed (or there are none): nothing to do.
    case passed
}

/// Reads why CI failed on a commit through GitHub's REST API: failing check runs with their output and annotations,
/// and for GitHub Actions the failing jobs of each run with the tail of their logs.
public struct GitHubCIFailures: Sendable {
    public let client: GitHubClient

    public init(client: GitHubClient) { self.client = client }

    /// The checks of commit `headSHA` on `owner/name`.
    /// - Parameter workflowRuns: Actions runs to read jobs from besides those the failing checks name (a
    ///   `workflow_run` delivery's run).
    /// - Throws: ``GitHubError`` when the check runs cannot be listed; a failing annotation list or job list becomes a
    ///   note in the report, an expired log too.
    public func lookup(owner: String, name: String, headSHA: String, workflowRuns: [Int] = []) async throws -> CIFailureLookup {
        let runs = try await client.checkRuns(owner, name, ref: headSHA)
        let unfinished = runs.filter { $0.status != "completed" }
        if !unfinished.isEmpty { return .pending(unfinished.map(\.name)) }
        let failing = runs.filter { GitHubCheckRun.failingConclusions.contains($0.conclusion ?? "") }
        if failing.isEmpty { return .passed }
        var notes: [String] = []
        var checks: [CICheckFailure] = []
        for run in failing {
            var annotations: [CIAnnotation] = []
            if (run.output?.annotationsCount ?? 1) > 0 {
                do {
                    annotations = try await client.checkRunAnnotations(owner, name, checkRun: run.id).map {
                        CIAnnotation(path: $0.path, line: $0.startLine, level: $0.annotationLevel ?? "failure", title: $0.title, message: $0.message)
                    }
                } catch let error as GitHubError where !(error.kind == .unauthorized) {
                    notes.append("The annotations of check \(run.name) could not be read (\(error.code)).")
                }
            }
            checks.append(CICheckFailure(
                name: run.name, conclusion: run.conclusion ?? "failure", url: run.htmlUrl ?? run.detailsUrl,
                title: run.output?.title, summary: run.output?.summary, text: run.output?.text, annotations: annotations))
        }
        var runIDs = workflowRuns
        for id in failing.compactMap(\.actionsRunID) where !runIDs.contains(id) { runIDs.append(id) }
        var jobs: [CIJobLog] = []
        for runID in runIDs {
            let (logs, runNotes) = try await failingJobs(owner: owner, name: name, run: runID)
            jobs += logs
            notes += runNotes
        }
        return .failed(CIFailureReport(headSHA: headSHA, checks: checks, jobs: jobs, notes: notes))
    }

    /// The checks named by a `check_run`, `check_suite` or `workflow_run` delivery.
    public func lookup(_ event: GitHubCIEvent) async throws -> CIFailureLookup {
        let parts = event.repository.split(separator: "/").map(String.init)
        guard parts.count == 2 else {
            throw GitHubError(.validation, status: nil, "The delivery names repository '\(event.repository)', not owner/name.")
        }
        return try await lookup(owner: parts[0], name: parts[1], headSHA: event.headSHA,
                                workflowRuns: event.workflowRunID.map { [$0] } ?? [])
    }

    private func failingJobs(owner: String, name: String, run: Int) async throws -> ([CIJobLog], [String]) {
        let jobs: [GitHubWorkflowJob]
        do {
            jobs = try await client.workflowJobs(owner, name, run: run)
        } catch let error as GitHubError where error.kind == .notFound {
            return ([], ["The jobs of Actions run \(run) could not be read (\(error.code))."])
        }
        var logs: [CIJobLog] = []
        var notes: [String] = []
        for job in jobs where GitHubCheckRun.failingConclusions.contains(job.conclusion ?? "") {
            let failedSteps = (job.steps ?? []).filter { GitHubCheckRun.failingConclusions.contains($0.conclusion ?? "") }.map(\.name)
            guard let text = try await client.jobLog(owner, name, job: job.id) else {
                notes.append("The log of job \(job.name) is no longer available (GitHub keeps logs for a limited time); rerun the job to see it.")
                logs.append(CIJobLog(name: job.name, url: job.htmlUrl, failedSteps: failedSteps, tail: nil))
                continue
            }
            let log = ActionsLog(text)
            logs.append(CIJobLog(name: job.name, url: job.htmlUrl, failedSteps: failedSteps, tail: log.tail,
                                 truncated: log.truncated, failingCommands: log.failingCommands))
        }
        return (logs, notes)
    }
}
