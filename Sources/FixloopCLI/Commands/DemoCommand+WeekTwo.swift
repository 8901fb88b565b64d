import FixloopCore
import FixloopGit
import FixloopPlanner
import FixloopStore
import Foundation

extension DemoCommand {
    /// The demo's second week, after a fixed ticket: the fix branch merged into the local remote's default branch
    /// (libgit2), the merge learnt by the healing loop (`GitMergeCheck`) with the deploy at its time, the week after
    /// imported and graded, and the healing loop's measurement. The bundled weeks are in the past, so the merge
    /// commit is dated where they meet (the first moment of the second week). - Returns: the fix's life with its
    /// measurement.
    func closeTheLoop(ticket: String, remote: URL, bundle: DemoBundle, model: ModelSpec, context: CommandContext,
                      stage: inout DemoStage, record: URL?) async throws -> FixLife {
        let backend = try await StoreBackend.open(context)
        defer { backend.postgres?.close() }
        let healing = backend.healing
        var loop = HealingLoop(backend: backend, settings: context.configuration.planner, prompts: context.prompts)
        // The demo's own deploy: at the merge, whatever [planner] deploy_delay_hours says.
        loop.settings.deployDelayHours = 0

        stage.begin("merge", "merge the fix branch into main on the local remote; the healing loop learns the merge")
        try await healing.sync(deployDelay: 0)
        guard let branch = try await healing.life(ticket: ticket)?.branch else {
            throw CommandError(code: "demo.no_branch", message: "The fix of \(ticket) pushed no branch to \(remote.path); check the engineer's output above.")
        }
        let mergeTime = try DemoBundle.date(DemoBundle.weekEnd)
        let commit = try await GitBranchMerge.merge(branch, in: remote.path, into: "main", author: GitSignature(name: "Acme", email: "dev@acme.example"),
                                                    at: mergeTime, message: "Merge \(branch): the fix of \(ticket)")
        let learnt = try await loop.run()
        guard let life = learnt.lives.first(where: { $0.ticket == ticket }), let merge = life.merge, let deployed = life.deployedAt else {
            throw CommandError(code: "demo.merge_not_learnt", message: "The healing loop did not find the merge \(commit.prefix(12)) of \(branch) in \(remote.path)\(learnt.notes.isEmpty ? "" : ": " + learnt.notes.joined(separator: "; ")).")
        }
        let time = ISO8601DateFormatter()
        stage.show("""
            \(branch) merged into main: \((merge.commit ?? commit).prefix(12)) at \(time.string(from: merge.mergedAt)) (learnt from \(merge.source.rawValue))
            (the commit is dated where the bundled weeks meet; a real merge is learnt the same way, or from GitHub)
            deployed \(time.string(from: deployed)): the merge time (fixloop tickets deployed states another)
            """)
        stage.end()

        stage.begin("week two", "the week after the deploy: import and grade its sessions, then measure the fix")
        var score = ScoreJob(grading: .model)
        score.files = [bundle.exportWeekTwo]
        score.product = bundle.productContext
        score.model = model
        score.worst = 3
        score.since = deployed
        score.until = try DemoBundle.date(DemoBundle.weekTwoEnd)
        score.record = record
        stage.show(try await score.run(context: context).text())
        loop.now = Date()
        let measured = try await loop.run()
        guard let outcome = measured.lives.first(where: { $0.ticket == ticket }), outcome.measurement != nil else {
            throw CommandError(code: "demo.not_measured", message: "The healing loop did not measure \(ticket)\(measured.notes.isEmpty ? "" : ": " + measured.notes.joined(separator: "; ")).")
        }
        stage.show(OutcomeRow(outcome).lines.dropFirst(3).joined(separator: "\n"))
        for line in measured.announced { stage.show("said on the ticket: \(line)") }
        stage.end()
        return outcome
    }
}

extension DemoSummary {
    /// The summary's last lines: the fix's verdict and its before/after figures.
    static func outcomeLines(_ life: FixLife?) -> [String] {
        guard let life, let m = life.measurement else { return ["outcome    not measured (the fix did not land)"] }
        let days = String(format: "%.1f", m.windowDays)
        return [
            "outcome    \(life.ticket): \(m.verdict.rawValue) — \(m.reason)",
            "  sessions hitting the bug  \(m.before.matching) in the \(days) days before the deploy → \(m.after.matching) in the \(days) days after",
            "  \(m.route) implied NPS  \(m.before.routeNPS.map(HealingMeter.signed) ?? "n/a") → \(m.after.routeNPS.map(HealingMeter.signed) ?? "n/a")"
                + " (\(m.before.routeSessions) → \(m.after.routeSessions) sessions)",
        ]
    }
}
