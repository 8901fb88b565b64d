import FixloopCore
import FixloopIngest
import FixloopPostgres
import FixloopScorer
import FixloopStore
import Foundation

/// `score --from postgres://… --table events`: a PostHog-shaped events table read in (timestamp, uuid) pages after
/// the cursor the store keeps for it, each page through the same importer and `SQLiteEventSink` as an export
/// file, the cursor saved after each page is stored. A rerun reads only rows past the cursor; a run stopped between
/// a page's store and its cursor reads that page again, and the store's primary key counts it as already stored.
struct WarehouseImport {
    var url: PostgresURL
    var table: PostgresTableName
    var password: Secret?
    var pageSize = 5_000

    /// The cursor's key in the store: the URL without its password, and the table.
    var sourceKey: String { "\(url)#\(table)" }

    /// Imports the rows past the stored cursor (and not before `since`, when given).
    func run(
        database: FixloopDatabase, importer: AnalyticsImporter, since: Date?,
        imported: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> ImportReport {
        var importer = importer
        importer.format = .posthog
        let cursors = SQLiteImportCursors(database: database)
        var cursor = try await cursors.cursor(source: sourceKey).map { WarehouseCursor(timestampMicros: $0.timestampMicros, uuid: $0.id) }
        let source = try await WarehouseEventSource(
            connector: PostgresConnector(url: url, password: password), table: table, pageSize: pageSize)
        var sink = CountingEventSink(inner: SQLiteEventSink(database: database), report: imported)
        var pages = PagedImport(importer: importer)
        do {
            while true {
                try Task.checkCancellation()
                let page = try await source.page(after: cursor, since: since)
                guard let last = page.last else { break }
                try pages.importPage(MemoryByteSource(page.jsonLines), name: "\(table)", into: &sink)
                try await cursors.save(WarehouseCursor(timestampMicros: last.timestampMicros, id: last.uuid), source: sourceKey)
                cursor = last
                if page.rows < source.pageSize { break }
            }
        } catch {
            await source.close()
            throw error
        }
        await source.close()
        var report = try pages.finish(into: &sink)
        report.container = .jsonLines
        return report
    }
}

/// `[scorer] write_back`: every score of the run's period upserted into `fixloop_session_scores`.
struct WarehouseWriteBack {
    var url: PostgresURL
    var password: Secret?

    /// Writes the stored scores of sessions that started in [`since`, `until`).
    /// - Returns: How many rows were written.
    /// - Throws: ``WriteBackError`` naming the database and that the local scores are kept.
    func run(database: FixloopDatabase, since: Date?, until: Date?) async throws -> Int {
        let scores = try await SQLiteScoreStore(database: database).gradedScores(since: since, until: until)
        do {
            return try await SessionScoreTable(connector: PostgresConnector(url: url, password: password))
                .write(scores.map(Self.row))
        } catch let error as FixloopError {
            throw WriteBackError(scores: scores.count, cause: error)
        }
    }

    static func row(_ graded: GradedScore) -> WarehouseScoreRow {
        let score = graded.score
        return WarehouseScoreRow(
            sessionID: score.sessionID, sessionStart: score.start, score: score.score, rubricScore: score.rubric.score,
            modelScore: score.modelGrade?.score, intent: score.modelGrade?.intent,
            rightProduct: score.modelGrade?.rightProduct, blurb: score.blurb, model: score.model,
            promptHash: score.promptHash, timelineHash: score.timelineHash, costUSD: score.costUSD,
            scoredAt: graded.gradedAt)
    }
}

/// The write-back failed after grading: the scores are in the local store, and a rerun writes them.
struct WriteBackError: FixloopError {
    var scores: Int
    var cause: any FixloopError

    var code: String { "score.write_back_failed" }
    var message: String {
        "Could not write \(scores) scores back to the warehouse: \(cause.message) The scores are kept in the local store; rerun fixloop score to write them."
    }
}
