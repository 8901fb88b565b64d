import FixloopCore
import FixloopPlanner
import FixloopPostgres
import FixloopSessionTypes
import FixloopStore
import FixloopTesting
import Foundation
import GRDB

/// A fresh plan store of one backend, a way to open another handle on the same data (its own connections, as
/// another process or machine), and a way to put scored sessions in as the scorer writes them.
struct PlanStoreFixture: Sendable {
    let open: @Sendable () async throws -> any PlanStore
    /// Inserts rows (column name → value, as ``FixloopDatabase/rows(of:columns:)`` gives them) into a store table.
    let insert: @Sendable (_ table: String, _ rows: [[String: JSONValue]]) async throws -> Void

    /// Puts `sessions` in `session_score` and, when they have facts, `session_facts`, as the scorer does.
    func seed(_ sessions: [ScoredSession]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func text<T: Encodable>(_ value: T) throws -> JSONValue { .string(String(decoding: try encoder.encode(value), as: UTF8.self)) }
        try await insert("session_score", try sessions.map { session in
            [
                "session_id": .string(session.id), "start": .number(session.start.timeIntervalSince1970), "score": .integer(session.score),
                "rubric_score": .integer(session.score), "rubric": .string("v1"), "model_grade": try session.modelGrade.map(text) ?? .null,
                "model": .null, "prompt_hash": .null, "timeline_hash": .string("h-\(session.id)"), "cost_usd": .number(0),
                "blurb": try text(session.blurb), "graded_at": .number(session.start.timeIntervalSince1970 + 3600),
            ]
        })
        try await insert("session_facts", try sessions.compactMap { session in
            guard let facts = session.facts else { return nil }
            return ["session_id": .string(session.id), "user_hash": .string(facts.userHash), "facts": try text(facts)]
        })
    }
}

extension StoreBackend {
    /// Runs `body` with a fresh, empty plan store of this backend and its fixture.
    func withPlanStore(_ body: (any PlanStore, PlanStoreFixture) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let database = try FixloopDatabase(url: file)
                let fixture = PlanStoreFixture(
                    open: { SQLitePlanStore(database: try FixloopDatabase(url: file)) },
                    insert: { table, rows in
                        let columns = StoreSchema.shared.table(table).columns.map(\.name)
                        try await database.pool.write { db in
                            for row in rows {
                                let names = columns.filter { row[$0] != nil }
                                try db.execute(
                                    sql: "INSERT INTO \(table) (\(names.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))",
                                    arguments: StatementArguments(names.map { Self.sqliteValue(row[$0]!) }))
                            }
                        }
                    })
                try await body(SQLitePlanStore(database: database), fixture)
            }
        case .postgres:
            let (url, store, opened) = try await Self.openPostgres()
            defer { opened.closeAll() }
            let fixture = PlanStoreFixture(
                open: {
                    let another = try await PostgresStore.open(url: url, poolSize: 2, migrate: false)
                    opened.add(another)
                    return PostgresPlanStore(store: another)
                },
                insert: { table, rows in
                    let described = StoreSchema.shared.table(table)
                    _ = try await store.insertMissing(described, rows: rows.map { row in described.columns.map { row[$0.name] ?? .null } })
                })
            try await body(PostgresPlanStore(store: store), fixture)
        }
    }

    private static func sqliteValue(_ value: JSONValue) -> (any DatabaseValueConvertible)? {
        switch value {
        case .null: return nil
        case .bool(let flag): return flag
        case .integer(let number): return number
        case .number(let number): return number
        case .string(let text): return text
        case .array, .object: return nil
        }
    }
}

/// Scored sessions for the plan store's tests: a checkout bug (`bug` sessions), a rare one, and successes.
enum PlanStoreSessions {
    static let weekOne = Date(timeIntervalSince1970: 1_748_822_400)
    static let week: TimeInterval = 7 * 86_400

    static func failing(_ index: Int, message: String, start: Date) -> ScoredSession {
        let facts = SessionFacts(
            userHash: String(format: "%016x", index % 1000), routes: ["/products/:id", "/checkout"], exitRoute: "/checkout",
            milestones: ["product_added", "/checkout"], goalReached: false,
            exceptions: [SessionFacts.Exception(type: "CheckoutError", message: message, route: "/checkout", handled: false, frames: [
                SessionFacts.Frame(file: "/srv/app/shop/checkout.py", function: "charge", line: 14),
                SessionFacts.Frame(file: "/srv/app/shop/web.py", function: "post_checkout", line: 30),
            ])],
            rageClicks: [], deadClicks: [])
        return ScoredSession(id: "s-\(index)", start: start.addingTimeInterval(Double(index) * 60), score: 2,
                             blurb: ["-2.5 left 20s after an error", "-1.5 1 unhandled error(s)"], facts: facts)
    }

    static func succeeding(_ index: Int, start: Date) -> ScoredSession {
        let facts = SessionFacts(
            userHash: String(format: "%016x", 5000 + index), routes: ["/products/:id", "/checkout", "/orders/:id"], exitRoute: "/orders/:id",
            milestones: ["product_added", "/checkout", "checkout_completed"], goalReached: true, exceptions: [], rageClicks: [], deadClicks: [])
        return ScoredSession(id: "ok-\(index)", start: start.addingTimeInterval(Double(index) * 90), score: 10, blurb: ["+2.5 reached a goal"], facts: facts)
    }

    /// One week starting at `start`; ids are offset by `offset` so weeks do not collide.
    static func week(starting start: Date, bug: Int, rare: Int = 2, successes: Int = 20, offset: Int = 0) -> [ScoredSession] {
        (0..<bug).map { failing(offset + $0, message: "charge of \(12 + $0 % 7).20 is above the cart total \(11 + $0 % 7).00", start: start) }
            + (0..<rare).map { failing(offset + 500 + $0, message: "cart is empty at checkout", start: start) }
            + (0..<successes).map { succeeding(offset + $0, start: start) }
    }

    /// The planner's plan of `sessions` (the rules, no model).
    static func plan(_ sessions: [ScoredSession], since: Date?, until: Date) async throws -> PlanResult {
        try await Planner().plan(sessions: sessions, since: since, until: until)
    }
}
