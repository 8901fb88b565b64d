import FixloopCore
import FixloopGitHub
import Foundation
import Logging

/// The stages a job's progress comment walks through.
public enum ProgressStage: String, Sendable, CaseIterable {
    case queued, reproducing, fixing, verifying, delivering

    /// The stage an engineer step belongs to (nil when it changes nothing).
    public static func of(_ step: FixStep) -> ProgressStage? {
        switch step {
        case .triage, .setup, .baseline, .reproduce: .reproducing
        case .localize, .candidate: .fixing
        case .verify: .verifying
        case .deliver: .delivering
        case .run: nil
        }
    }
}

/// The text of a ticket's progress comment.
public enum ProgressText {
    static let marker = "<!-- fixloop:progress -->"

    /// While the job runs: every stage ticked up to the current one.
    public static func running(_ job: Job, stage: ProgressStage) -> String {
        let current = ProgressStage.allCases.firstIndex(of: stage) ?? 0
        let lines = ProgressStage.allCases.enumerated().map { index, each in
            "- [\(index <= current ? "x" : " ")] \(each.rawValue)\(index == current ? " ←" : "")"
        }
        return """
            \(marker)
            **Fixloop** is working on this issue (job \(job.id), attempt \(max(job.attempts, 1)) of \(job.maxAttempts); \(job.trigger)).

            \(lines.joined(separator: "\n"))
            """
    }

    /// A label or `/fixloop fix` on a ticket that a done job already fixed: nothing runs; how to run it again.
    public static func alreadyDone(_ job: Job, asked trigger: String) -> String {
        "\(marker)\n**Fixloop** already fixed this issue: \(job.prURL ?? "(no link)") (job \(job.id)), so \(trigger) started nothing."
            + "\n\nComment `/fixloop retry` to run it again on the same branch and pull request."
    }

    /// Once the job ended: the pull request, or why not and what was tried, and the cost.
    public static func finished(_ job: Job, outcome: JobOutcome) -> String {
        let cost = outcome.costPriced ? String(format: "$%.4f", outcome.costUSD) : "unpriced (the model has no price in the price table)"
        switch outcome.state {
        case .done:
            return "\(marker)\n**Fixloop** opened a draft pull request: \(outcome.prURL ?? "(no link)")\n\n\(outcome.summary)\n\nCost: \(cost) · job \(job.id)"
        case .cancelled:
            return "\(marker)\n**Fixloop** stopped: \(outcome.summary)\n\nCost so far: \(cost) · job \(job.id)"
        default:
            let tried = outcome.tried.map { "\n\nWhat was tried: \($0)" } ?? ""
            return "\(marker)\n**Fixloop** could not fix this issue: \(outcome.summary)\(tried)\n\nCost: \(cost) · job \(job.id) · comment `/fixloop retry` to try again"
        }
    }
}

/// Posts and edits the one progress comment of each ticket. Updates of one ticket run one after another, so the
/// first creates the comment and the rest edit it; a failure to comment is logged and never stops a job.
public actor ProgressComments {
    let store: any JobStore
    let github: GitHubConnection
    let logger: Logger
    private var tails: [String: Task<Void, Never>] = [:]

    public init(store: any JobStore, github: GitHubConnection, logger: Logger) {
        self.store = store
        self.github = github
        self.logger = logger
    }

    /// Shows `body` as the ticket's progress (GitHub tickets only).
    public func show(_ job: Job, _ body: String) async {
        let previous = tails[job.ticket]
        let task = Task { [store, github, logger] in
            await previous?.value
            await Self.write(job, body, store: store, github: github, logger: logger)
        }
        tails[job.ticket] = task
        await task.value
    }

    private static func write(_ job: Job, _ body: String, store: any JobStore, github: GitHubConnection, logger: Logger) async {
        guard case .github(let owner, let name, let number)? = try? TicketReference(parsing: job.ticket) else { return }
        do {
            let client = try await github.client(installation: job.installationID)
            if let id = try await store.job(job.id)?.progressCommentID {
                do {
                    _ = try await client.updateComment(owner, name, id: id, body: body)
                    return
                } catch let error as GitHubError where error.kind == .notFound {
                    // Someone deleted the comment: start a new one.
                }
            }
            let comment = try await client.createComment(owner, name, issue: number, body: body)
            try await store.setProgressComment(job.id, commentID: comment.id)
        } catch {
            logger.warning("progress comment failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
    }
}
