import FixloopCore
import Foundation

extension WebhookIntake {
    /// The base of Fixloop's pull requests moved: after the reply, list the open pull requests into it and queue a
    /// rebase round for each `fixloop/…` one (one per pull request and base commit). Whether a round pushes (a
    /// conflict, or more than `[serve] max_behind` commits behind) is decided by the round, which fetches both.
    func baseMoved(_ move: BaseMove) async -> WebhookReply {
        guard let github else { return WebhookReply(status: 202, result: "ignored", message: "no GitHub connection to list pull requests") }
        let parts = move.repository.split(separator: "/").map(String.init)
        guard parts.count == 2 else { return WebhookReply(status: 202, result: "ignored", message: "'\(move.repository)' is not OWNER/NAME") }
        await followUps.start { [logger] in
            do {
                let pulls = try await github.client(installation: move.installation).openPullRequests(parts[0], parts[1], base: move.branch)
                for pull in pulls where pull.head.ref.hasPrefix("fixloop/") {
                    let ticket = "gh:\(move.repository)#\(pull.number)"
                    guard try await store.recordTrigger("github rebase \(ticket) base=\(move.head)", delivery: "-", now: now()) else { continue }
                    if let active = try await store.activeJob(ticket: ticket) {
                        logger.info("rebase round skipped", metadata: ["ticket": "\(ticket)", "job": "\(active.id)"])
                        continue
                    }
                    var request = JobRequest(ticket: ticket, repository: move.repository,
                                             trigger: "\(move.branch) moved to \(move.head.prefix(12))", installationID: move.installation,
                                             maxAttempts: triggers.maxAttempts, rerunsFinished: true)
                    request.kind = .rebase
                    request.maxRounds = triggers.maxRounds
                    _ = try await executeRevision(request)
                }
            } catch {
                logger.warning("listing the pull requests on a moved base failed", metadata: ["repository": "\(move.repository)", "error": "\(error)"])
            }
        }
        return WebhookReply(status: 202, result: "checking", message: "\(move.branch) moved: looking for Fixloop pull requests to rebase")
    }
}
