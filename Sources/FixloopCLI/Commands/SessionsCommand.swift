import ArgumentParser
import FixloopScorer
import FixloopStore
import Foundation

/// `fixloop sessions list|show`: scored sessions from the store.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "List scored sessions, or show one with its timeline, score and blurb.",
        subcommands: [SessionsListCommand.self, SessionsShowCommand.self])
}

/// `fixloop sessions list`.
struct SessionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List scored sessions, lowest score first.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only the N lowest scores.", valueName: "n")) var worst: Int?
    @Option(help: ArgumentHelp("Sessions that started since: 30m, 24h, 7d, 2w, or a date (2025-06-01).", valueName: "period"))
    var since: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        let context = try global.context()
        let start = try since.map { try SpendCommand.startDate($0, now: Date()) }
        try context.state.prepare()
        let store = SQLiteScoreStore(database: try FixloopDatabase(url: context.state.database))
        let scores = try await store.scores(since: start, limit: worst)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            context.print(String(decoding: try encoder.encode(scores), as: UTF8.self))
            return
        }
        if scores.isEmpty { context.print("no scored sessions; run fixloop score --import FILE first") }
        for score in scores {
            let blurb = score.blurb.first ?? ""
            let grader = score.modelGrade == nil ? "rubric" : "model"
            context.print("\(String(format: "%2d", score.score))  \(Self.timestamp(score.start))  \(grader)  \(score.sessionID)  \(blurb)")
        }
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
    @Argument(help: "The session id, as `fixloop sessions list` prints it.") var id: String

    func run() async throws {
        let context = try global.context()
        try context.state.prepare()
        let store = SQLiteScoreStore(database: try FixloopDatabase(url: context.state.database))
        guard let session = try await store.session(id: id) else {
            throw CommandError(code: "cli.unknown_session", message: "No session '\(id)' is in the store; list them with fixloop sessions list.")
        }
        context.print(session.timeline ?? "session \(id) · \(session.eventCount) events (not scored yet)")
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
