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

/// The text of a ticket's progress comment: the stages with one line of detail and the time each took, who asked,
/// the time in all, and the run with the command that shows its trajectory.
public enum ProgressText {
    static let marker = "<!-- fixloop:progress -->"

    /// While the job runs: every stage ticked up to the current one, each with its time and detail.
    public static func running(_ job: Job, log: ProgressLog, now: Date) -> String {
        """
        \(marker)
        **Fixloop** is working on this issue\(askedBy(job)) (job \(job.id), attempt \(max(job.attempts, 1)) of \(job.maxAttempts); \(job.trigger)).

        \(stages(log, now: now, running: true).joined(separator: "\n"))

        \(footer(log, now: now))
        """
    }

    /// A label or `/fixloop fix` on a ticket that a done job already fixed: nothing runs; how to run it again.
    public static func alreadyDone(_ job: Job, asked trigger: String) -> String {
        "\(marker)\n**Fixloop** already fixed this issue: \(job.prURL ?? "(no link)") (job \(job.id)), so \(trigger) started nothing."
            + "\n\nComment `/fixloop retry` to run it again on the same branch and pull request."
    }

    /// Once the job ended: the pull request, or why not and what was tried, and the cost; with the stages it went
    /// through when a worker ran it (`log`).
    public static func finished(_ job: Job, outcome: JobOutcome, log: ProgressLog? = nil, now: Date = Date()) -> String {
        let cost = outcome.costPriced ? String(format: "$%.4f", outcome.costUSD) : "unpriced (the model has no price in the price table)"
        let trail = log.map { "\n\n" + stages($0, now: now, running: false).joined(separator: "\n") + "\n\n" + footer($0, now: now) } ?? ""
        switch outcome.state {
        case .done:
            return "\(marker)\n**Fixloop** opened a draft pull request\(askedBy(job)): \(outcome.prURL ?? "(no link)")\n\n\(outcome.summary)\n\nCost: \(cost) · job \(job.id)\(trail)"
        case .cancelled:
            return "\(marker)\n**Fixloop** stopped: \(outcome.summary)\n\nCost so far: \(cost) · job \(job.id)\(trail)"
        default:
            let tried = outcome.tried.map { "\n\nWhat was tried: \($0)" } ?? ""
            return "\(marker)\n**Fixloop** could not fix this issue: \(outcome.summary)\(tried)\n\nCost: \(cost) · job \(job.id) · comment `/fixloop retry` to try again\(trail)"
        }
    }

    /// ` for @login`, or nothing when the job names nobody.
    static func askedBy(_ job: Job) -> String { job.requester.map { " for @\($0)" } ?? "" }

    /// One line per stage: ticked up to the current one (which carries the arrow while running), its time, its detail.
    static func stages(_ log: ProgressLog, now: Date, running: Bool) -> [String] {
        let current = ProgressStage.allCases.firstIndex(of: log.current) ?? 0
        return ProgressStage.allCases.enumerated().map { index, stage in
            var line = "- [\(index <= current ? "x" : " ")] \(stage.rawValue)"
            if running && index == current { line += " ←" }
            if let seconds = log.elapsed(stage, now: now) {
                line += " · " + DurationText.short(seconds) + (running && index == current ? " so far" : "")
            }
            if let detail = detail(of: stage, in: log) { line += " · " + detail }
            return line
        }
    }

    /// `1m49s in all · run `run-…` (`fixloop show run-…` shows every step)`.
    static func footer(_ log: ProgressLog, now: Date) -> String {
        let run = log.runID.map { " · run `\($0)` (`fixloop show \($0)` on the server shows every step)" } ?? ""
        return "\(DurationText.short(log.total(now: now))) in all\(run)"
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

    /// Puts a 👀 reaction on what asked for `job`: the comment `commentID` (`/fixloop fix`), else the issue (a label).
    /// GitHub tickets only; a failure is logged and changes nothing else.
    public func acknowledge(_ job: Job, commentID: Int?) async {
        guard case .github(let owner, let name, let number)? = try? TicketReference(parsing: job.ticket) else { return }
        do {
            let client = try await github.client(installation: job.installationID)
            if let commentID {
                try await client.addCommentReaction(owner, name, commentID: commentID)
            } else {
                try await client.addReaction(owner, name, issue: number)
            }
        } catch {
            logger.warning("reaction failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
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
