import ArgumentParser
import FixloopStore
import Foundation

/// `fixloop tickets list|show`: the tickets the planner filed, as the store keeps them.
struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "List and show the tickets the planner filed.",
        subcommands: [List.self, Show.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List stored tickets, newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print the result as JSON.") var json = false

        func run() async throws {
            let context = try global.context()
            let tickets = try await TicketsCommand.store(context).tickets()
            if json { return context.print(try TicketsCommand.json(tickets)) }
            if tickets.isEmpty { return context.print("no tickets yet; run fixloop plan") }
            for ticket in tickets {
                let priority = ["urgent", "high", "normal", "low"][max(0, min(3, ticket.priority - 1))]
                context.print("local:\(ticket.id)  \(ticket.reference ?? "-")  \(priority)  \(ticket.sessions) sessions  \(ticket.classification)  \(ticket.title)")
            }
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
            if json { return context.print(try TicketsCommand.json(stored)) }
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

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
