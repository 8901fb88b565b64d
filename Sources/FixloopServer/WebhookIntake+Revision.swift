import FixloopCore
import Foundation

extension WebhookIntake {
    /// Queues a revision round: folded into the pull request's active round when there is one (never a parallel
    /// job), refused past `[serve] max_rounds` or `max_rounds_per_day` with exactly one comment saying why.
    func executeRevision(_ request: JobRequest) async throws -> WebhookReply {
        if request.kind == .ci, let active = try await store.activeJob(ticket: request.ticket) {
            // The active round pushes a new commit, whose CI reports again; this failure is of an older head.
            return WebhookReply(status: 202, result: "ignored", message: "job \(active.id) holds \(request.ticket); its push starts new CI")
        }
        if let active = try await store.activeJob(ticket: request.ticket) {
            _ = try await store.enqueue(request, now: now())
            return WebhookReply(status: 202, result: "folded", message: "job \(active.id) holds \(request.ticket); the request is taken by its next round")
        }
        // A pull request's rounds: the bot's round jobs (queued, running or ended, not cancelled) and the rounds run
        // from a terminal (`fixloop revise`: runs with no job, not ended in error). A job's own run is not counted again.
        let dayStart = now().addingTimeInterval(-86_400)
        let rounds = try await store.revisionRounds(ticket: request.ticket, since: nil)
            + (try await manualRounds?.manualRounds(pullRequest: request.ticket, since: nil) ?? 0)
        let today = try await store.revisionRounds(ticket: nil, since: dayStart) + (try await manualRounds?.manualRounds(pullRequest: nil, since: dayStart) ?? 0)
        var refusal: (key: String, text: String)?
        if rounds >= triggers.maxRounds {
            refusal = ("rounds refused \(request.ticket) max_rounds=\(triggers.maxRounds)",
                       "this pull request has had \(rounds) rounds (review, CI and rebase rounds count alike), the limit (`[serve] max_rounds` = \(triggers.maxRounds)). A person can take it from here, or raise the limit and ask again.")
        } else if today >= triggers.maxRoundsPerDay {
            let day = ISO8601DateFormatter.string(from: now(), timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            refusal = ("rounds refused \(request.ticket) day=\(day)",
                       "Fixloop has run \(today) rounds (review, CI and rebase) in the last 24 hours, the limit (`[serve] max_rounds_per_day` = \(triggers.maxRoundsPerDay)). Ask again later.")
        }
        guard let refusal else {
            switch try await store.enqueue(request, now: now()) {
            case .enqueued(let job): return WebhookReply(status: 202, result: "queued", message: "job \(job.id) queued: a revision round of \(job.ticket)")
            case .alreadyActive(let job), .finished(let job): return WebhookReply(status: 202, result: "folded", message: "job \(job.id) holds \(job.ticket)")
            }
        }
        // One comment per limit reached, however many requests follow.
        if try await store.recordTrigger(refusal.key, delivery: "-", now: now()), let github,
           case .github(let owner, let name, let number)? = try? TicketReference(parsing: request.ticket) {
            let installation = request.installationID
            let body = "\(TicketComment.fixloopMarker):refused -->\nFixloop will not start this \(Self.roundName(request.kind)) round: \(refusal.text)"
            await followUps.start { [logger] in
                do {
                    _ = try await github.client(installation: installation).createComment(owner, name, issue: number, body: body)
                } catch {
                    logger.warning("the refusal comment failed", metadata: ["ticket": "\(request.ticket)", "error": "\(error)"])
                }
            }
        }
        return WebhookReply(status: 202, result: "refused", message: refusal.text)
    }

    /// What the refusal calls a round of `kind`.
    static func roundName(_ kind: JobKind) -> String {
        switch kind {
        case .revision, .fix: "review"
        case .ci: "CI"
        case .rebase: "rebase"
        }
    }
}
