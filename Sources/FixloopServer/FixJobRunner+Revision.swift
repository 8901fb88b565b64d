import FixloopCore
import FixloopFixService
import Foundation

extension FixJobRunner {
    /// A revision job: one round on the pull request the job names, through the same service as `fixloop revise`.
    /// The round's one reply on the pull request is its report; no progress comment is written for it.
    func revise(_ job: Job, token: Secret?) async throws -> JobOutcome {
        var request = try Self.revisionRequest(for: job, template: template, token: token, cloneFrom: cloneFrom)
        if job.kind == .ci {
            switch try await service.ciTask(request) {
            case .passed:
                return JobOutcome(state: .done, summary: "no change: the checks of \(job.ticket) pass now")
            case .pending(let names):
                return pending(job, checks: names)
            case .failed(let report, let instructions):
                // The CI report is the round's whole task; review comments have rounds of their own.
                request.instructions = instructions
                request.comments = []
                request.kind = .ci
                request.ciCommands = report.failingCommands
            }
        }
        let outcome = try await service.revise(request)
        var result: JobOutcome
        switch outcome.result {
        case .revised:
            result = JobOutcome(state: .done, summary: "revised: \(outcome.commit ?? "") pushed", prURL: outcome.prURL, costUSD: outcome.costUSD)
        case .unchanged:
            result = JobOutcome(state: .done, summary: "no change: \(outcome.engineer.reason)", prURL: outcome.prURL, costUSD: outcome.costUSD)
        case .notRevised, .branchMoved:
            result = JobOutcome(state: .failed, summary: outcome.engineer.reason, prURL: outcome.prURL, costUSD: outcome.costUSD)
        }
        result.costPriced = outcome.costPriced
        return result
    }

    /// A CI round whose checks still run: back in the queue for another look in `ciPoll`, until `ciWait` after it
    /// was asked for; then it fails, and a new push or a rerun asks again.
    func pending(_ job: Job, checks: [String]) -> JobOutcome {
        let now = Date()
        let names = checks.joined(separator: ", ")
        guard now.timeIntervalSince(job.createdAt) < ciWait.inSeconds else {
            return JobOutcome(state: .failed, summary: "the checks \(names) of \(job.ticket) were still running \(Int(ciWait.inSeconds / 60)) minutes after the round was asked for; no CI round ran. A new push or a rerun asks again.")
        }
        var outcome = JobOutcome(state: .queued, summary: "waiting: the checks \(names) of \(job.ticket) are still running; looking again in \(Int(ciPoll.inSeconds)) seconds")
        outcome.notBefore = now.addingTimeInterval(ciPoll.inSeconds)
        return outcome
    }

    /// A rebase round: no model; the pull request's one comment (when there is something to say) is its report.
    /// A round that found the branch current or within `[serve] max_behind` ends cancelled, so it does not count
    /// toward `[serve] max_rounds`.
    func rebase(_ job: Job, token: Secret?) async throws -> JobOutcome {
        let request = try Self.revisionRequest(for: job, template: template, token: token, cloneFrom: cloneFrom)
        let outcome = try await service.rebaseRound(request, maxBehind: maxBehind)
        let summary = "\(outcome.result.rawValue): \(outcome.detail)"
        switch outcome.result {
        case .current, .withinLimit: return JobOutcome(state: .cancelled, summary: summary)
        case .rebased: return JobOutcome(state: .done, summary: summary)
        case .conflict, .refused, .notVerified, .leaseLost: return JobOutcome(state: .failed, summary: summary)
        }
    }

    /// The job's round: its pull request and instructions, the template's model and limits, the job's token.
    static func revisionRequest(for job: Job, template: FixRequest, token: Secret?, cloneFrom: [String: String]) throws -> RevisionRequest {
        var request = RevisionRequest(pullRequest: try PullRequestReference(parsing: job.ticket), model: template.model)
        request.instructions = job.requestText
        request.jobID = job.id
        request.limits = template.limits
        request.overrides = template.overrides
        request.usesTools = template.usesTools
        request.credentials = template.credentials
        request.credentials.github = token ?? template.credentials.github
        request.repository = cloneFrom[job.repository]
        return request
    }
}
