import ArgumentParser
import FixloopCore
import FixloopStore
import Foundation

extension TicketsCommand {
    /// `fixloop tickets deployed local:1 --at TIME`: when a ticket's fix went live, instead of its merge time plus
    /// `[planner] deploy_delay_hours`; the healing loop measures from then.
    struct Deployed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "State when a ticket's fix was deployed (default: its merge time plus deploy_delay_hours).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The ticket: local:N or N, or the reference it was filed as (gh:acme/shop#12).", valueName: "ticket")) var ticket: String
        @Option(help: ArgumentHelp("When it was deployed: \(PeriodBound.acceptedForms) (a duration means that long ago).", valueName: "time"),
                transform: PeriodBound.argument) var at: PeriodBound

        func run() async throws {
            let context = try global.context()
            let store = try await TicketsCommand.store(context)
            guard let id = try await Show.id(ticket, store: store), let stored = try await store.ticket(id: id), let reference = stored.reference else {
                throw CommandError(code: "tickets.not_found", message: "There is no stored ticket '\(ticket)'; list them with fixloop tickets list.")
            }
            guard let date = at.date(relativeTo: Date()) else {
                throw CommandError(code: "tickets.invalid_time", message: "--at \(at) is not a moment; give a date, a timestamp or a duration ago (2h, 1d).")
            }
            let healing = try await StoreBackend.open(context).healing
            try await healing.sync(deployDelay: TimeInterval(context.configuration.planner.deployDelayHours) * 3600)
            guard try await healing.stateDeployed(ticket: reference, at: date) else {
                throw CommandError(code: "tickets.no_fix", message: "Ticket \(reference) has no pushed fix yet; run fixloop fix --ticket \(reference) first, then state its deploy.")
            }
            context.print("\(reference): deployed \(ISO8601DateFormatter().string(from: date)); fixloop outcomes measures from then")
        }
    }
}
