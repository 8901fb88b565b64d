@testable import FixloopCLI
import FixloopCore
import FixloopPlanner
import FixloopPostgres
import FixloopStore
import FixloopTesting
import Foundation
import Synchronization
import Testing

/// `fixloop plan`, `tickets` and `fix local:N` with `FIXLOOP_DATABASE_URL` naming a PostgreSQL database: the
/// scored sessions are read from there, the tickets filed, listed and read there, nothing in the state directory.
@Suite(.serialized, .enabled(if: PostgresTestCluster.isAvailable, "PostgreSQL is not installed (apt-get install postgresql)"))
struct PlanCommandPostgresTests {
    func run(_ arguments: [String], home: URL, environment extra: [String: String] = [:]) async -> (status: Int32, output: String) {
        let output = Mutex("")
        var environment = ["FIXLOOP_HOME": home.path, "HOME": home.path, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        environment.merge(extra) { $1 }
        let status = await Fixloop.run(
            arguments: arguments, environment: environment, output: { text in output.withLock { $0 += text } },
            errors: { text in output.withLock { $0 += text } })
        return (status, output.withLock { $0 })
    }

    @Test func planFilesLocalTicketsInPostgreSQLThatTicketsListsAndFixReads() async throws {
        let cluster = try PostgresTestCluster.shared()
        let url = cluster.url(database: try cluster.makeDatabase())
        try await withTemporaryDirectory("fixloop-plan-pg") { root in
            // The scorer's output (SQLite, another machine's state) put in PostgreSQL as its rows.
            let scorer = root.appendingPathComponent("scorer")
            let export = root.appendingPathComponent("w1.jsonl")
            try PostHogWeekExport(start: PlannerFixtures.weekOne, bug: 42, rare: 2, purchases: 50, prefix: "w1").write(to: export)
            // `score` keeps its sessions, facts and scores in PostgreSQL: the planner reads them there.
            let scored = await run(["score", "--import", export.path, "--product", PlanCommandTests.product.path, "--model", "none"], home: scorer,
                                   environment: ["FIXLOOP_DATABASE_URL": url])
            #expect(scored.status == 0, "\(scored.output)")
            let store = try await PostgresStore.open(url: try PostgresURL(parsing: url), poolSize: 2)
            defer { store.close() }

            let state = root.appendingPathComponent("state")
            let environment = ["FIXLOOP_DATABASE_URL": url]
            let planned = await run(["plan", "--since", "2025-06-01", "--until", "2025-06-09", "--repo", PlanCommandTests.shop.path], home: state,
                                    environment: environment)
            #expect(planned.status == 0, "\(planned.output)")
            #expect(planned.output.contains("plan: 95 scored sessions, 2025-06-01 → 2025-06-09"), "\(planned.output)")
            #expect(planned.output.contains("created local:1 · CheckoutError in charge"), "\(planned.output)")
            let again = await run(["plan", "--since", "2025-06-01", "--until", "2025-06-09", "--json"], home: state, environment: environment)
            #expect(again.status == 0 && again.output.contains("\"unchanged\""), "\(again.output)")

            let list = await run(["tickets", "list"], home: state, environment: environment)
            #expect(list.output.contains("local:1  local:1  urgent  42  bug  CheckoutError in charge"), "\(list.output)")
            #expect(list.output.split(separator: "\n").count == 1, "\(list.output)")
            let shown = await run(["tickets", "show", "local:1"], home: state, environment: environment)
            #expect(shown.status == 0 && shown.output.contains("## Suspected code"), "\(shown.output)")

            // The state directory's SQLite file holds none of it; PostgreSQL holds the run and its ticket.
            let local = SQLitePlanStore(database: try FixloopDatabase(url: state.appendingPathComponent("fixloop.sqlite")))
            #expect(try await local.tickets().isEmpty)
            #expect(try await local.latestPlan() == nil)
            let shared = PostgresPlanStore(store: store)
            #expect(try await shared.latestPlan()?.tickets.map(\.reference) == ["local:1"])
            #expect(try await shared.ticket(id: 1)?.pattern?.suspectedCode.contains { $0.path == "shop/checkout.py" } == true)

            // The healing loop measures a fix against the sessions in PostgreSQL, not the (empty) local file.
            let pattern = try #require(try await shared.latestPlan()?.patterns.first)
            let starts = try await shared.scoredSessions(since: nil, until: .distantFuture).map(\.start).sorted()
            let deployed = starts[starts.count / 2]
            let measured = try await HealingLoop.measure(
                pattern: (pattern.signature, pattern.variants, pattern.stats.route), deployedAt: deployed,
                asOf: PlannerFixtures.weekOne.addingTimeInterval(PlannerFixtures.week), previous: nil,
                plans: shared, settings: PlannerSettings())
            #expect(measured.before.matching > 0 && measured.before.routeSessions > 0, "\(measured)")

            // `fix local:1` reads the ticket from PostgreSQL: its repository (the shop folder) is where the run goes.
            let fix = await run(["fix", "--ticket", "local:1", "--model", "replay:\(root.path)/none.jsonl", "--sandbox", "none"], home: state,
                                environment: environment)
            #expect(!fix.output.contains("no ticket local:1"), "\(fix.output)")
            #expect(fix.output.contains("fix: run run-"), "\(fix.output)")
            let runs = try await PostgresRunStore(store: store).runs(ticket: "local:1")
            #expect(runs.count == 1 && runs.first?.repository.contains(PlanCommandTests.shop.path) == true, "\(runs)")
            let missing = await run(["fix", "--ticket", "local:9", "--model", "replay:\(root.path)/none.jsonl", "--sandbox", "none"], home: state,
                                    environment: environment)
            #expect(missing.status == 2 && missing.output.contains("The store has no ticket local:9"), "\(missing.output)")
        }
    }
}
