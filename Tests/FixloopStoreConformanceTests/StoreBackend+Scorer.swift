import FixloopCore
import FixloopIngest
import FixloopPostgres
import FixloopScorer
import FixloopStore
import FixloopTesting
import Foundation
import GRDB
import PostgresNIO

/// The scorer's stores of one backend, as the conformance suites use them.
struct ScorerTestStores: Sendable {
    /// A new event sink, as a new import (or another machine) makes one.
    let makeSink: @Sendable () -> TestEventSink
    /// The stored events as sessions (PostgreSQL: in pages of a few rows, so sessions are cut across pages).
    let reader: any SessionReading
    let archive: any SessionArchive
    /// The rows of a table (the witness).
    let count: @Sendable (String) async throws -> Int
    /// Runs SQL written for this backend.
    let execute: @Sendable (String) async throws -> Void
    /// SQL statements that make inserting the event `refused` fail (a trigger), for this backend.
    let refuseSQL: [String]

    /// Imports `url` through a new sink on a storing thread, as `fixloop score` does.
    func importing(_ url: URL, batchSize: Int = 25) async throws -> ImportReport {
        let sink = makeSink()
        return try await StoringThread.run {
            var sink = sink
            return try AnalyticsImporter(batchSize: batchSize).importFiles([url], into: &sink)
        }
    }

    /// Every stored session, by start then id.
    func sessions() async throws -> [AnalyticsSession] {
        let reader = reader
        return try await StoringThread.run {
            var read: [AnalyticsSession] = []
            try reader.forEachSession(since: nil, until: nil) { read.append($0) }
            return read.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        }
    }
}

/// The sink of either backend (one of the two is set).
struct TestEventSink: CursorEventSink, @unchecked Sendable {
    var sqlite: SQLiteEventSink?
    var postgres: PostgresEventSink?

    mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        if sqlite != nil { return try sqlite!.store(events) }
        return try postgres!.store(events)
    }

    mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor) throws -> Int {
        if sqlite != nil { return try sqlite!.store(events, cursor: cursor) }
        return try postgres!.store(events, cursor: cursor)
    }

    func cursor(for source: String) throws -> String? {
        if let sqlite { return try sqlite.cursor(for: source) }
        return try postgres!.cursor(for: source)
    }
}

extension StoreBackend {
    /// Runs `body` with the scorer's stores on a fresh, empty store of this backend.
    func withScorerStores(_ body: (ScorerTestStores) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory("fixloop-scorer-conformance") { root in
                let file = root.appendingPathComponent("fixloop.sqlite")
                let database = try FixloopDatabase(url: file)
                try await body(ScorerTestStores(
                    makeSink: { TestEventSink(sqlite: SQLiteEventSink(database: database)) },
                    reader: SQLiteSessionReader(database: database), archive: SQLiteScoreStore(database: database),
                    count: { table in try await database.pool.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 } },
                    execute: { sql in try await database.pool.write { try $0.execute(sql: sql) } },
                    refuseSQL: ["""
                        CREATE TRIGGER refuse BEFORE INSERT ON analytics_event WHEN NEW.id = 'refused'
                        BEGIN SELECT RAISE(ABORT, 'refused'); END
                        """]))
            }
        case .postgres:
            let (_, store, opened) = try await Self.openPostgres()
            defer { opened.closeAll() }
            var reader = PostgresSessionReader(store: store)
            reader.pageSize = 7
            try await body(ScorerTestStores(
                makeSink: { TestEventSink(postgres: PostgresEventSink(store: store)) },
                reader: reader, archive: PostgresScoreStore(store: store),
                count: { table in
                    try await store.withConnection { connection, logger in
                        var count = 0
                        for try await value in try await connection.query(
                            PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: logger
                        ).decode(Int.self) { count = value }
                        return count
                    }
                },
                execute: { sql in
                    try await store.withConnection { connection, logger in
                        _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
                    }
                },
                refuseSQL: [
                    """
                    CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN IF NEW.id = 'refused' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$
                    """,
                    "CREATE TRIGGER refuse BEFORE INSERT ON analytics_event FOR EACH ROW EXECUTE FUNCTION refuse()",
                ]))
        }
    }
}
