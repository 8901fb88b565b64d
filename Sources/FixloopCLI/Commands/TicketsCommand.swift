import ArgumentParser
import FixloopCore
import FixloopPlanner
import FixloopStore
import Foundation

/// `fixloop tickets list|show`: the tickets the planner filed, as the store keeps them.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "List and show the tickets the planner filed.",
        subcommands: [List.self, Show.self, Deployed.self], defaultSubcommand: List.self)

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
            let (tickets, total) = list.cut(try await TicketsCommand.store(context).tickets().filter { $0.createdAt >= start && $0.createdAt < end })
            defer { list.noteCut(shown: tickets.count, total: total) }
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
        static let configuration = CommandConfiguration(abstract: "Show one stored ticket: local:N, N, or where it was filed.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The ticket: local:N or N, or the reference it was filed as (gh:acme/shop#12, ENG-12) or a unique prefix of it.",
                                     valueName: "ticket")) var ticket: String
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            let store = try await TicketsCommand.store(context)
            guard let id = try await Self.id(ticket, store: store), let stored = try await store.ticket(id: id) else {
                throw CommandError(code: "tickets.not_found", message: "There is no stored ticket '\(ticket)'; list them with fixloop tickets list.")
            }
            let healing = try await StoreBackend.open(context).healing
            try await healing.sync(deployDelay: TimeInterval(context.configuration.planner.deployDelayHours) * 3600)
            var outcome: OutcomeRow?
            if let reference = stored.reference { outcome = try await healing.life(ticket: reference).map(OutcomeRow.init) }
            if json { return try context.printJSON(ShownTicket(ticket: stored, outcome: outcome)) }
            var lines = ["local:\(stored.id) · \(stored.reference ?? "-") · \(stored.sink) · \(stored.sessions) sessions · labels \(stored.labels.joined(separator: ", "))"]
            if let url = stored.url { lines.append(url) }
            lines += ["", "# \(stored.title)", "", stored.body]
            for update in stored.updates { lines += ["", "---", update] }
            if let outcome { lines += outcome.lines }
            context.print(lines.joined(separator: "\n"))
        }

        /// The stored id `text` names: `local:N`, `N`, or a (unique prefix of a) reference a sink gave the ticket.
        static func id(_ text: String, store: any StoredTicketReader) async throws -> Int? {
            if let id = Int(text.hasPrefix("local:") ? String(text.dropFirst(6)) : text) { return id }
            let filed = try await store.tickets().filter { $0.reference?.hasPrefix(text) == true }
            let references = Set(filed.compactMap(\.reference)).sorted()
            guard let reference = try IDPrefix.resolve(text, kind: "ticket", candidates: references, listCommand: "fixloop tickets list")
            else { return nil }
            return filed.first { $0.reference == reference }?.id
        }
    }

    /// The configured backend's plan store (``StoreBackend``).
    static func store(_ context: CommandContext) async throws -> any PlanStore {
        try await StoreBackend.open(context).plans
    }
}
