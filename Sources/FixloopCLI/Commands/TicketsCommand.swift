import ArgumentParser
import FixloopCore
import FixloopStore
import Foundation

/// `fixloop tickets list|show`: the tickets the planner filed, as the store keeps them.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "List and show the tickets the planner filed.",
        subcommands: [List.self, Show.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored tickets, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var list: ListOptions
        @Option(help: .since("Tickets filed", default: "all"), transform: PeriodBound.argument) var since: PeriodBound = .known("all")
        @Option(help: .until("Tickets filed"), transform: PeriodBound.argument) var until: PeriodBound = .known("all")
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            let now = Date()
            let (start, end) = (since.date(relativeTo: now) ?? .distantPast, until.date(relativeTo: now) ?? .distantFuture)
            let tickets = list.cut(try await TicketsCommand.store(context).tickets().filter { $0.createdAt >= start && $0.createdAt < end })
            if json { return try context.printJSON(tickets) }
            if tickets.isEmpty { return context.print("no tickets yet; run fixloop plan") }
            var table = TextTable(header: ["ticket", "filed as", "priority", "sessions", "kind", "title"], alignments: [.left, .left, .left, .right])
            for ticket in tickets {
                let priority = ["urgent", "high", "normal", "low"][max(0, min(3, ticket.priority - 1))]
                table.append(["local:\(ticket.id)", ticket.reference ?? "-", priority, String(ticket.sessions), ticket.classification, ticket.title])
            }
            context.printTable(table)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one stored ticket: local:N or N.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The ticket: local:N or N.") var ticket: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            let id = Int(ticket.hasPrefix("local:") ? String(ticket.dropFirst(6)) : ticket)
            guard let id, let stored = try await TicketsCommand.store(context).ticket(id: id) else {
                throw CommandError(code: "tickets.not_found", message: "There is no stored ticket '\(ticket)'; list them with fixloop tickets list.")
            }
            if json { return try context.printJSON(stored) }
            var lines = ["local:\(stored.id) · \(stored.reference ?? "-") · \(stored.sink) · \(stored.sessions) sessions · labels \(stored.labels.joined(separator: ", "))"]
            if let url = stored.url { lines.append(url) }
            lines += ["", "# \(stored.title)", "", stored.body]
            for update in stored.updates { lines += ["", "---", update] }
            context.print(lines.joined(separator: "\n"))
        }
    }

    static func store(_ context: CommandContext) throws -> SQLitePlanStore {
        try context.state.prepare()
        return SQLitePlanStore(database: try FixloopDatabase(url: context.state.database))
    }
}
