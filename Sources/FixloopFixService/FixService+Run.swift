import FixloopCore
import FixloopEngineer
import Foundation

/// What every run's outcome tells its bookkeeping: the store's status, branch, pull request and reason, the
/// trajectory's last line, and the run's cost once it is known.
protocol RunResult: Encodable, Sendable {
    var runStatus: RunStatus { get }
    var runBranch: String? { get }
    var runPRURL: String? { get }
    var runReason: String { get }
    /// The trajectory's `end` line.
    var endLine: String { get }
    /// Sets the run's model spend, read from the ledger when the run ends.
    mutating func charge(_ usd: Double, priced: Bool)
}

/// What a run is before it starts: what `fix_run` records and the trajectory's first line.
struct RunStart {
    var kind: RunKind = .fix
    var reference: TicketReference
    var remote: RepositoryReference
    /// A round's pull request, `gh:OWNER/NAME#N`.
    var pullRequest: String?
    /// The PR bot's job, for a round it runs.
    var jobID: Int64?
    /// Known before the run (a round's branch and pull request); recorded if the run fails.
    var branch: String?
    var prURL: String?
    /// The trajectory's `start` line.
    var title: String
}

extension FixService {
    /// The bookkeeping every run shares — a fix, a review or CI round, a rebase round: claims the ticket
    /// (``RunStore/start(_:)``, one live run per ticket), opens the run's folder and trajectory, runs `body`, then
    /// prices the run, writes `report.json`, ends the trajectory and finishes the store's row; on an error the row
    /// ends `error` and the trajectory says why.
    /// - Parameters:
    ///   - busy: the message when another live run holds the ticket (`fix.ticket_busy`).
    ///   - model: the run's model, to say whether its cost is priced.
    /// - Returns: `body`'s outcome, charged with the run's cost.
    func withRun<Result: RunResult>(
        _ start: RunStart, model: ModelSpec, secrets: [Secret], observer: FixObserver, busy: (RunRecord) -> String,
        body: (RunContext, Trajectory) async throws -> Result
    ) async throws -> Result {
        let run = RunContext(id: Self.newRunID(), reference: start.reference, remote: start.remote, folder: settings.runsFolder)
        try FileManager.default.createDirectory(at: run.folder, withIntermediateDirectories: true)
        var follow: (@Sendable (Trajectory.Event) -> Void)?
        if let report = observer.event { follow = { event in report(event.step, event.kind, event.detail) } }
        let trajectory = Trajectory(file: run.folder.appendingPathComponent("trajectory.jsonl"),
                                    secrets: settings.secrets + secrets, observer: follow, milestones: observer.milestone)
        var record = RunRecord(id: run.id, ticket: start.reference.description, repository: start.remote.url,
                               host: ProcessInfo.processInfo.hostName, pid: getpid())
        record.kind = start.kind
        record.pullRequest = start.pullRequest
        record.jobID = start.jobID
        if let holder = try await runs.start(record) {
            throw FixServiceError(code: "fix.ticket_busy", message: busy(holder))
        }
        observer.started?(run.id)
        do {
            await trajectory.record(.run, "start", start.title)
            var outcome = try await body(run, trajectory)
            outcome.charge(await models.cost(ofRun: run.id), priced: isPriced(model))
            try Data(try JSONEncoder.pretty.encode(outcome)).write(to: run.folder.appendingPathComponent("report.json"))
            await trajectory.record(.run, "end", outcome.endLine)
            try await runs.finish(run.id, status: outcome.runStatus, branch: outcome.runBranch ?? start.branch, prURL: outcome.runPRURL ?? start.prURL,
                            reason: outcome.runReason)
            return outcome
        } catch {
            try? await runs.finish(run.id, status: .error, branch: start.branch, prURL: start.prURL, reason: "\(error)")
            await trajectory.record(.run, "error", "\(error)")
            throw error
        }
    }
}

extension FixOutcome: RunResult {
    var runStatus: RunStatus { status }
    var runBranch: String? { branch }
    var runPRURL: String? { prURL }
    var runReason: String { engineer.reason }
    var endLine: String { "\(engineer.outcome.rawValue): \(engineer.reason)" }
    mutating func charge(_ usd: Double, priced: Bool) {
        costUSD = usd
        costPriced = priced
    }
}

extension RevisionOutcome: RunResult {
    var runStatus: RunStatus { status }
    var runBranch: String? { branch }
    var runPRURL: String? { prURL }
    var runReason: String { engineer.reason }
    var endLine: String { "\(result.rawValue): \(engineer.reason)" }
    mutating func charge(_ usd: Double, priced: Bool) {
        costUSD = usd
        costPriced = priced
    }
}

extension RebaseRoundOutcome: RunResult {
    var runStatus: RunStatus { result == .rebased ? .fixed : .notFixed }
    var runBranch: String? { nil }
    var runPRURL: String? { nil }
    var runReason: String { "\(result.rawValue): \(detail)" }
    var endLine: String { runReason }
    // A rebase round calls no model.
    mutating func charge(_ usd: Double, priced: Bool) {}
}
