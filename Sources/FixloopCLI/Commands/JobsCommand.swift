import ArgumentParser
import FixloopCore
import FixloopStore
import Foundation

/// `fixloop jobs list|show|cancel`: the PR bot's queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "List, show or cancel the PR bot's jobs.",
        subcommands: [List.self, Show.self, Cancel.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(help: ArgumentHelp("Only jobs in this state: queued, running, done, failed, cancelled.", valueName: "state")) var state: String?
        @Option(help: .since("Jobs created", default: "all"), transform: PeriodBound.argument) var since: PeriodBound = .known("all")
        @Option(help: .until("Jobs created"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            let wanted = try state.map { text -> JobState in
                guard let state = JobState(rawValue: text) else { throw ValidationError("--state is one of queued, running, done, failed, cancelled.") }
                return state
            }
            let now = Date()
            let (start, end) = (since.date(relativeTo: now) ?? .distantPast, until.date(relativeTo: now) ?? .distantFuture)
            // The queue is small; the period is applied here rather than in SQL (every job: PostgreSQL refuses LIMIT -1).
            let (jobs, total) = list.cut(try await JobsCommand.store(context).jobs(state: wanted, limit: Int(Int32.max))
                .filter { $0.createdAt >= start && $0.createdAt < end })
            defer { list.noteCut(shown: jobs.count, total: total) }
            if json { return try context.printJSON(jobs) }
            if jobs.isEmpty { return context.print("no jobs") }
            var table = TextTable(header: ["job", "state", "ticket", "detail"], alignments: [.right])
            for job in jobs { table.append([String(job.id), job.state.rawValue, job.ticket, job.prURL ?? job.summary ?? job.stage ?? job.trigger]) }
            context.printTable(table)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The job id.", valueName: "id")) var id: Int64
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            guard let job = try await JobsCommand.store(context).job(id) else {
                throw CommandError(code: "jobs.not_found", message: "There is no job \(id); see fixloop jobs list.")
            }
            if json { return try context.printJSON(job) }
            var lines = ["job \(job.id): \(job.state.rawValue) — \(job.ticket) (\(job.repository))", "trigger: \(job.trigger)",
                         "attempts: \(job.attempts) of \(job.maxAttempts)"]
            if let stage = job.stage { lines.append("stage: \(stage)") }
            if let owner = job.leaseOwner, let until = job.leaseExpiresAt { lines.append("lease: \(owner) until \(until)") }
            if let summary = job.summary { lines.append("summary: \(summary)") }
            if let url = job.prURL { lines.append("pull request: \(url)") }
            lines.append(String(format: "cost: $%.4f", job.costUSD))
            context.print(lines.joined(separator: "\n"))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel a queued or running job (a running one stops at its next lease renewal).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The job id.", valueName: "id")) var id: Int64
        @Flag(help: "Print the job as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            guard let job = try await JobsCommand.store(context).cancel(id, now: Date()) else {
                throw CommandError(code: "jobs.not_found", message: "There is no job \(id); see fixloop jobs list.")
            }
            if json { try context.printJSON(job) } else { context.print("job \(job.id): \(job.state.rawValue)") }
            if job.state != .cancelled { throw ExitCode(ExitStatus.negative.rawValue) }
        }
    }

    static func store(_ context: CommandContext) async throws -> any JobStore {
        try await StoreBackend.open(context).jobs
    }
}
