import FixloopIngest
import FixloopPostgres
import FixloopScorer
import FixloopStore
import Foundation

/// The scorer's stores on the configured backend (``StoreBackend/scorer``): imported events and import cursors,
/// the sessions read back from them, and sessions, timelines, facts and scores.
struct ScorerStores: Sendable {
    /// Sessions, timelines, facts and scores (`score`, `sessions`, the warehouse write-back).
    let archive: any SessionArchive
    private let backend: Backend

    private enum Backend: Sendable {
        case sqlite(FixloopDatabase)
        case postgres(PostgresStore)
    }

    /// The scorer's tables in the SQLite file `database`.
    init(sqlite database: FixloopDatabase) {
        archive = SQLiteScoreStore(database: database)
        backend = .sqlite(database)
    }

    /// The scorer's tables in PostgreSQL.
    init(postgres store: PostgresStore) {
        archive = PostgresScoreStore(store: store)
        backend = .postgres(store)
    }

    /// A new sink for one import (it remembers the contexts it wrote).
    func eventSink() -> ScorerEventSink {
        switch backend {
        case .sqlite(let database): return .sqlite(SQLiteEventSink(database: database))
        case .postgres(let store): return .postgres(PostgresEventSink(store: store))
        }
    }

    /// The stored events as sessions, sessionless ones cut after `idleGap` without events.
    func sessionReader(idleGap: TimeInterval) -> any SessionReading {
        let sessionizer = Sessionizer(idleGap: idleGap)
        switch backend {
        case .sqlite(let database): return SQLiteSessionReader(database: database, sessionizer: sessionizer)
        case .postgres(let store): return PostgresSessionReader(store: store, sessionizer: sessionizer)
        }
    }
}

/// The import's sink on the configured backend (one of the two is set). Its calls block: the importer makes them on
/// a `StoringThread`.
struct ScorerEventSink: CursorEventSink {
    var sqlite: SQLiteEventSink?
    var postgres: PostgresEventSink?

    static func sqlite(_ sink: SQLiteEventSink) -> ScorerEventSink { ScorerEventSink(sqlite: sink) }
    static func postgres(_ sink: PostgresEventSink) -> ScorerEventSink { ScorerEventSink(postgres: sink) }

    // Mutated in place through the optional: the sink's remembered contexts are not copied per batch.
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
