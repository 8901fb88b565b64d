import FixloopExportGenerator
import FixloopIngest
import FixloopScorer
import FixloopSessionTypes
import FixloopStore
import FixloopTesting
import Foundation
import Testing

/// The scorer's tables: events deduplicated by id across imports, an interrupted import completed by a rerun,
/// sessions read back from the store, and scores found again by timeline and prompt.
struct ScorerStoreTests {
    /// A sink that stores through SQLite and then fails, as a killed process would, after `batches` batches.
    struct DyingSink: AnalyticsEventSink {
        var inner: SQLiteEventSink
        var batches: Int
        struct Killed: Error {}
        mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
            guard batches > 0 else { throw Killed() }
            batches -= 1
            return try inner.store(events)
        }
    }

    static func export(in root: URL, sessions: Int = 30, duplicates: Double = 0.05) throws -> (URL, [GeneratedSession]) {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.duplicateRate = duplicates
        options.sessionlessRate = 0.2
        let url = root.appendingPathComponent("export.jsonl")
        return (url, try PostHogExportGenerator(options: options).write(to: url))
    }

    @Test func aReimportStoresNothingNew() async throws {
        try await withTemporaryDirectory("fixloop-store") { root in
            let (url, manifest) = try Self.export(in: root)
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            var sink = SQLiteEventSink(database: database)
            let first = try AnalyticsImporter(batchSize: 50).importFiles([url], into: &sink)
            let events = manifest.reduce(0) { $0 + $1.eventCount }
            #expect(first.stored == events && first.alreadyStored == 0 && first.duplicates > 0)
            let second = try AnalyticsImporter(batchSize: 50).importFiles([url], into: &sink)
            #expect(second.stored == 0 && second.alreadyStored == events && second.read == first.read)
            #expect(try sink.count() == events)
        }
    }

    @Test func aKilledImportIsCompletedByARerunWithExactCounts() async throws {
        try await withTemporaryDirectory("fixloop-store") { root in
            let (url, manifest) = try Self.export(in: root)
            let events = manifest.reduce(0) { $0 + $1.eventCount }
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            var dying = DyingSink(inner: SQLiteEventSink(database: database), batches: 3)
            #expect(throws: DyingSink.Killed.self) { try AnalyticsImporter(batchSize: 40).importFiles([url], into: &dying) }
            var sink = SQLiteEventSink(database: database)
            #expect(try sink.count() == 120)
            let rerun = try AnalyticsImporter(batchSize: 40).importFiles([url], into: &sink)
            #expect(rerun.stored == events - 120 && rerun.alreadyStored == 120)
            #expect(try sink.count() == events)
        }
    }

    @Test func importingPartOfAFileThenAllOfItStoresEachEventOnce() async throws {
        try await withTemporaryDirectory("fixloop-store") { root in
            let (url, _) = try Self.export(in: root, duplicates: 0)
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            let part = root.appendingPathComponent("part.jsonl")
            // A file cut mid-line, as a copy stopped halfway leaves it: the last line is malformed.
            let cut = lines.prefix(100).joined(separator: "\n") + "\n" + lines[100].prefix(40)
            try cut.write(to: part, atomically: true, encoding: .utf8)
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            var sink = SQLiteEventSink(database: database)
            let first = try AnalyticsImporter().importFiles([part], into: &sink)
            #expect(first.stored == 100 && first.malformed == 1 && first.problems.first?.line == 101)
            let whole = try AnalyticsImporter().importFiles([url], into: &sink)
            #expect(whole.stored == lines.count - 100 && whole.alreadyStored == 100 && whole.malformed == 0)
            #expect(try sink.count() == lines.count)
        }
    }

    @Test func storedEventsReadBackAsTheSameSessions() async throws {
        try await withTemporaryDirectory("fixloop-store") { root in
            let (url, _) = try Self.export(in: root)
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            var collected = CollectingEventSink()
            var sink = SQLiteEventSink(database: database)
            let report = try AnalyticsImporter().importFiles([url], into: &collected)
            _ = try AnalyticsImporter().importFiles([url], into: &sink)
            let expected = Sessionizer().sessions(from: collected.events)
            var read: [AnalyticsSession] = []
            try SQLiteSessionReader(database: database).forEachSession { read.append($0) }
            read.sort { ($0.start, $0.id) < ($1.start, $1.id) }
            #expect(read.count == report.sessions && read.count == expected.count)
            #expect(read == expected)
        }
    }

    @Test func aScoreIsFoundAgainOnlyForTheSameTimelineAndPrompt() async throws {
        try await withTemporaryDirectory("fixloop-store") { root in
            let store = SQLiteScoreStore(database: try FixloopDatabase(url: root.appendingPathComponent("state.sqlite")))
            let rubric = RubricScore(score: 3, confidence: 0.85, isUnsure: false, reasons: ["left after an error"])
            let grade = ModelGrade(
                score: 2, intent: "buy", rightProduct: true, wentRight: [], wentWrong: ["checkout crashed"],
                failures: [], confidence: 0.8)
            let score = SessionScore(
                sessionID: "s1", start: Date(timeIntervalSince1970: 1_748_736_000), rubric: rubric, modelGrade: grade,
                model: "openai/test", promptHash: "p1", timelineHash: "t1", costUSD: 0.002)
            try await store.save(score)
            #expect(try await store.score(sessionID: "s1", timelineHash: "t1", promptHash: "p1") == score)
            #expect(try await store.score(sessionID: "s1", timelineHash: "t2", promptHash: "p1") == nil)
            #expect(try await store.score(sessionID: "s1", timelineHash: "t1", promptHash: nil) == nil)
            #expect(try await store.scores(limit: 1).map(\.score) == [2])
        }
    }
}
