import ArgumentParser
import FixloopCore
import FixloopGit
import FixloopLinear
import FixloopPlanner
import FixloopPrompts
import FixloopStore
import Foundation

/// `fixloop plan`: group the period's failures into patterns, decide, and file tickets and flags.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Group the period's failures into patterns; file tickets and flags.")

    enum Sink: String, ExpressibleByArgument, CaseIterable { case local, github, linear }

    @OptionGroup var global: GlobalOptions

    @Option(help: .since("Plan sessions that started", default: "7d"), transform: PeriodBound.argument) var since: PeriodBound = .known("7d")

    @Option(help: .until("Plan sessions that started"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")

    @Option(help: ArgumentHelp("Where tickets go: local (the store), github or linear.", valueName: "sink"))
    var sink: Sink = .local

    @Option(help: ArgumentHelp("The repository to search for suspected code: a URL or a local path.", valueName: "url|path"))
    var repo: String?

    @Option(name: .customLong("issues-repo"), help: ArgumentHelp("The GitHub repository for --sink github (default: --repo's).", valueName: "owner/name"))
    var issuesRepo: String?

    @Option(help: ArgumentHelp("The Linear team key for --sink linear (default: the first team).", valueName: "key"))
    var team: String?

    @Option(name: .customLong("linear-label-id"), help: ArgumentHelp("A Linear label id to put on new issues (repeatable).", valueName: "id"))
    var linearLabelIDs: [String] = []

    @Option(help: ArgumentHelp("The model that names and classifies patterns (openai:MODEL, anthropic:MODEL, replay:FILE), or none for rules.", valueName: "spec"))
    var model = "none"

    @Option(name: .customLong("ticket-sessions"), help: ArgumentHelp("Sessions from which a pattern gets a ticket (default: [planner] ticket_sessions, 40).", valueName: "n"))
    var ticketSessions: Int?

    @Option(name: .customLong("ticket-share"), help: ArgumentHelp("Share of its route's sessions (0–1) from which a pattern gets a ticket (default: [planner] ticket_share, 0.25).", valueName: "share"))
    var ticketShare: Double?

    @Option(name: .customLong("flag-sessions"), help: ArgumentHelp("Sessions from which a pattern gets a flag (default: [planner] flag_sessions, 2).", valueName: "n"))
    var flagSessions: Int?

    @Flag(name: .customLong("dry-run"), help: "Plan and look up tickets, but change nothing.")
    var dryRun = false

    @Flag(help: "Print the result as JSON.") var json = false

    @Option(help: ArgumentHelp("Record every model request and reply to this file (JSON lines, secrets redacted).", valueName: "file"))
    var record: String?

    func run() async throws {
        let context = try global.context()
        let now = Date()
        var job = PlanJob(until: until.date(relativeTo: now) ?? now)
        job.since = since.date(relativeTo: now)
        job.sink = sink
        job.repo = repo
        job.issuesRepo = issuesRepo
        job.team = team
        job.linearLabelIDs = linearLabelIDs
        job.model = model.lowercased() == "none" ? nil : try ModelSpec(parsing: model)
        job.ticketSessions = ticketSessions
        job.ticketShare = ticketShare
        job.flagSessions = flagSessions
        job.dryRun = dryRun
        job.record = record.map { URL(fileURLWithPath: $0) }
        job.showsProgress = !json
        let (report, sessions) = try await job.run(context: context)
        context.print(json ? try report.jsonText() : report.text())
        if sessions == 0, !json {
            context.print("no scored sessions in the period; score an export first (fixloop score --import FILE) or widen --since (e.g. --since all)")
        }
    }

    /// `owner/name` written bare.
    static func ownerAndName(_ text: String) -> (String, String)? {
        let parts = text.split(separator: "/")
        guard parts.count == 2, !text.contains(":") else { return nil }
        return (String(parts[0]), String(parts[1]))
    }
}
