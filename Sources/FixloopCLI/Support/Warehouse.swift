import FixloopCore
import FixloopIngest
import FixloopPostgres
import FixloopScorer
import FixloopStore
import Foundation

/// `score --from postgres://… --table events`: a PostHog-shaped events table read in (timestamp, uuid) pages after
/// the cursor the store keeps for it, each page through the same importer and event sink as an export
/// file, and the cursor after the page (`<timestamp_us>|<uuid>` in `import_cursor`, the PostHog pull's table)
/// written in the same transaction as the page's events. A rerun reads only rows past the cursor; a run stopped
/// anywhere resumes after the last page whose events were stored.
struct WarehouseImport {
    var url: PostgresURL
    var table: PostgresTableName
    var password: Secret?
    var pageSize = 5_000

    /// The cursor's key in the store: the URL without its password, and the table.
    var sourceKey: String { "\(url)#\(table)" }

    /// Imports the rows past the stored cursor (and not before `since`, when given).
    func run(
        stores: ScorerStores, importer: AnalyticsImporter, since: Date?,
        imported: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> ImportReport {
        var importer = importer
        importer.format = .posthog
        var sink = CountingEventSink(inner: stores.eventSink(), report: imported)
        var cursor = try await sink.storedCursor(for: sourceKey).flatMap(WarehouseCursor.init(position:))
        let source = try await WarehouseEventSource(
            connector: PostgresConnector(url: url, password: password), table: table, pageSize: pageSize)
        let key = sourceKey
        let name = "\(table)"
        var finished = false
        do {
            var report = try await importer.importPages(into: &sink) {
                guard !finished else { return nil }
                let page = try await source.page(after: cursor, since: since)
                guard let last = page.last else { return nil }
                cursor = last
                finished = page.rows < source.pageSize
                return ImportPage(
                    bytes: page.jsonLines, name: name, cursor: ImportCursor(source: key, position: last.position))
            }
            await source.close()
            report.container = .jsonLines
            return report
        } catch {
            await source.close()
            throw error
        }
    }
}

/// `[scorer] write_back`: every score of the run's period upserted into `fixloop_session_scores`.
struct WarehouseWriteBack {
    var url: PostgresURL
    var password: Secret?

    /// Writes the stored scores of sessions that started in [`since`, `until`).
    /// - Returns: How many rows were written.
    /// - Throws: ``WriteBackError`` naming the database and that the local scores are kept.
    func run(archive: any SessionArchive, since: Date?, until: Date?) async throws -> Int {
        let scores = try await archive.gradedScores(since: since, until: until)
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
        "Could not write \(scores) scores back to the warehouse: \(cause.message) The scores are kept in the store; rerun fixloop score to write them."
    }
}
