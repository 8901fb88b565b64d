import ArgumentParser
import FixloopConfig
import FixloopCore
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop sessions [list]|show`: scored sessions from the store.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List scored sessions, or show one with its timeline, score and blurb.",
        subcommands: [SessionsListCommand.self, SessionsShowCommand.self], defaultSubcommand: SessionsListCommand.self)

    /// Runs `body` with the scores on the configured backend (``StoreBackend/scorer``), closing its pool after.
    static func withStore<T>(_ context: CommandContext, _ body: (any SessionArchive) async throws -> T) async throws -> T {
        let backend = try await StoreBackend.open(context)
        defer { backend.postgres?.close() }
        return try await body(backend.scorer.archive)
    }
}

/// `fixloop sessions list`.
struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List scored sessions, lowest score first.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var list: ListOptions
    @Option(help: .since("Sessions that started", default: "all"), transform: PeriodBound.argument) var since: PeriodBound = .known("all")
    @Option(help: .until("Sessions that started"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")
    @Option(name: .customLong("worst"), help: .hidden) var deprecatedWorst: Int?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let now = Date()
        let (start, end) = (since.date(relativeTo: now), until.date(relativeTo: now))
        let rows = deprecatedWorst ?? list.rows
        let (scores, total) = try await SessionsCommand.withStore(context) { store in
            let scores = try await store.scores(since: start, until: end, limit: rows)
            return (scores, rows != nil && scores.count == rows ? try await store.scoreCount(since: start, until: end) : scores.count)
        }
        defer { list.noteCut(shown: scores.count, total: total) }
        if json { return try context.printJSON(scores) }
        if scores.isEmpty { return context.print("no scored sessions; run fixloop score --import FILE first") }
        var table = TextTable(header: ["score", "started", "grader", "session", "why"], alignments: [.right])
        for score in scores {
            table.append([String(score.score), Self.timestamp(score.start), score.modelGrade == nil ? "rubric" : "model",
                          score.sessionID, score.blurb.first ?? ""])
        }
        context.printTable(table)
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

/// `fixloop sessions show ID`.
struct SessionsShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a session's timeline, score and blurb.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The session id, or a unique prefix of it (as the review prints it).", valueName: "id")) var id: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let found = try await SessionsCommand.withStore(context) { store -> (String, StoredSession)? in
            let full = try IDPrefix.resolve(id, kind: "session", candidates: try await store.sessionIDs(prefix: id),
                                            listCommand: "fixloop sessions list")
            guard let full, let session = try await store.session(id: full) else { return nil }
            return (full, session)
        }
        guard let (full, session) = found else {
            throw CommandError(code: "cli.unknown_session", message: "No session '\(id)' is in the store; list them with fixloop sessions list.")
        }
        let replay = context.configuration.sessionLinks().replayURL(sessionID: full)
        if json { return try context.printJSON(SessionReport(session, replayURL: replay)) }
        context.print(session.timeline ?? "session \(full) · \(session.eventCount) events (not scored yet)")
        if let replay { context.print("replay: \(replay)") }
        guard let score = session.score else { return }
        context.print("")
        context.print("score \(score.score)/10 · rubric \(score.rubric.score) (confidence \(String(format: "%.2f", score.rubric.confidence)))"
            + (score.model.map { " · model \($0)" } ?? "") + (score.costUSD > 0 ? String(format: " · $%.4f", score.costUSD) : ""))
        if let grade = score.modelGrade {
            context.print("intent: \(grade.intent)\(grade.rightProduct ? "" : " (not what this product does)")")
            for line in grade.wentRight { context.print("  + \(line)") }
            for line in grade.wentWrong { context.print("  - \(line)") }
            for failure in grade.failures {
                context.print("  failure \(failure.signature): \(failure.evidence.event) on \(failure.evidence.route)"
                    + (failure.evidence.error.map { " (\($0))" } ?? ""))
            }
        } else {
            for reason in score.blurb { context.print("  · \(reason)") }
        }
    }
}

/// What `sessions show --json` prints: the session, its timeline text and its score.
struct SessionReport: Encodable {
    let id: String
    let start: Date
    let end: Date
    let eventCount: Int
    let timeline: String?
    let score: SessionScore?
    /// The session's replay page (`[posthog] host` and `project_id`), when configured.
    let replayURL: String?

    init(_ session: StoredSession, replayURL: String? = nil) {
        (id, start, end, eventCount, timeline, score) = (session.id, session.start, session.end, session.eventCount, session.timeline, session.score)
        self.replayURL = replayURL
    }
}
