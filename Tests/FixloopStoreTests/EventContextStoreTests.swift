import FixloopCore
import FixloopExportGenerator
import FixloopTesting
import Foundation
import GRDB
import Testing

@testable import FixloopIngest
@testable import FixloopStore

/// Session contexts kept once (`scorer.v3`): every event still reads back with exactly the properties it came
/// with, whether its context was remembered, written again, rolled back or never split.
struct EventContextStoreTests {
    static func export(in root: URL, sessions: Int = 12) throws -> (URL, [String: JSONValue]) {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.duplicateRate = 0
        options.sessionlessRate = 0.2
        let url = root.appendingPathComponent("export.jsonl")
        _ = try PostHogExportGenerator(options: options).write(to: url)
        // The properties of each event as the file has them, by event id, parsed on their own.
        var original: [String: JSONValue] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
            let id = try #require(object["uuid"]?.stringValue)
            original[id] = object["properties"]
        }
        return (url, original)
    }

    static func readBack(_ database: FixloopDatabase) throws -> [String: JSONValue] {
        var read: [String: JSONValue] = [:]
        try SQLiteSessionReader(database: database).forEachSession { session in
            for event in session.events { read[event.id] = .object(event.properties) }
        }
        return read
    }

    static func count(_ table: String, _ database: FixloopDatabase) throws -> Int {
        try database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    @Test func contextsAreStoredOnceAndEveryEventReadsBackWhole() async throws {
        try await withTemporaryDirectory("fixloop-context") { root in
            let (url, original) = try Self.export(in: root)
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            var sink = SQLiteEventSink(database: database)
            let report = try AnalyticsImporter(batchSize: 25).importFiles([url], into: &sink)
            #expect(report.stored == original.count)
            #expect(try Self.readBack(database) == original)
            // Each distinct context once (a session has one, or two when its backend reports an error with
            // posthog-python's own library properties), and every event that had one points at it.
            var collecting = CollectingEventSink()
            _ = try AnalyticsImporter().importFiles([url], into: &collecting)
            let withContext = collecting.events.compactMap(\.propertyParts.context)
            let contexts = try Self.count("analytics_event_context", database)
            #expect(contexts == Set(withContext).count && contexts < report.stored / 3)
            let split = try database.pool.read {
                try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM analytics_event WHERE context_id IS NOT NULL") ?? 0
            }
            #expect(split == withContext.count && split > original.count * 9 / 10)
            // The view joins the two halves into the whole object, for anyone reading the store with SQL.
            let rows = try database.pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, properties FROM analytics_event_with_properties")
            }
            #expect(rows.count == original.count)
            for row in rows {
                let id: String = row["id"]
                let text: String = row["properties"]
                #expect(try JSONParser.parse(Array(text.utf8)) == original[id], "event \(id)")
            }
            // A re-import stores no event and so writes no context.
            let again = try AnalyticsImporter(batchSize: 25).importFiles([url], into: &sink)
            #expect(again.stored == 0 && again.alreadyStored == original.count)
            #expect(try Self.count("analytics_event_context", database) == contexts)
        }
    }

    @Test func aContextTheSinkForgotIsWrittenAgainAndStaysRight() async throws {
        try await withTemporaryDirectory("fixloop-context") { root in
            let (url, original) = try Self.export(in: root)
            let remembering = try FixloopDatabase(url: root.appendingPathComponent("remembering.sqlite"))
            var sink = SQLiteEventSink(database: remembering)
            _ = try AnalyticsImporter(batchSize: 25).importFiles([url], into: &sink)
            // Shuffled events and a window of two: sessions' contexts drop out of it all the time.
            let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
            var generator = SystemRandomNumberGenerator()
            let shuffled = root.appendingPathComponent("shuffled.jsonl")
            try lines.shuffled(using: &generator).joined(separator: "\n").write(to: shuffled, atomically: true, encoding: .utf8)
            let forgetful = try FixloopDatabase(url: root.appendingPathComponent("forgetful.sqlite"))
            var small = SQLiteEventSink(database: forgetful, rememberedContexts: 2)
            _ = try AnalyticsImporter(batchSize: 25).importFiles([shuffled], into: &small)
            #expect(try Self.count("analytics_event_context", forgetful) > Self.count("analytics_event_context", remembering))
            #expect(try Self.readBack(forgetful) == original)
        }
    }

    @Test func aBatchThatFailsTakesItsContextsWithIt() async throws {
        try await withTemporaryDirectory("fixloop-context") { root in
            let (url, original) = try Self.export(in: root, sessions: 3)
            var collecting = CollectingEventSink()
            _ = try AnalyticsImporter(format: .posthog).importFiles([url], into: &collecting)
            let events = collecting.events.filter { $0.propertyParts.context != nil }
            let database = try FixloopDatabase(url: root.appendingPathComponent("state.sqlite"))
            // A trigger that refuses one event makes the batch that holds it fail after its first event (and
            // that event's context) was written.
            let poison = events[1].id
            try await database.pool.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER refuse_one BEFORE INSERT ON analytics_event WHEN NEW.id = '\(poison)'
                    BEGIN SELECT RAISE(ABORT, 'refused'); END
                    """)
            }
            var sink = SQLiteEventSink(database: database)
            #expect(throws: StoreError.self) { try sink.store(Array(events.prefix(2))) }
            #expect(try Self.count("analytics_event_context", database) == 0)
            try await database.pool.write { db in try db.execute(sql: "DROP TRIGGER refuse_one") }
            // The same sink again: it must not point at the context that was rolled back.
            #expect(try sink.store(events) == events.count)
            let read = try Self.readBack(database)
            for event in events { #expect(read[event.id] == original[event.id], "event \(event.id)") }
        }
    }

    @Test func aStoreFromBeforeContextsKeepsItsEventsAndLosesTheTimeIndex() async throws {
        try await withTemporaryDirectory("fixloop-context") { root in
            let path = root.appendingPathComponent("old.sqlite").path
            do {
                let pool = try DatabasePool(path: path)
                try FixloopDatabase.migrator.migrate(pool, upTo: "jobs.v1")
                try await pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO analytics_event (id, name, distinct_id, session_id, timestamp, properties, source)
                        VALUES ('old-1', '$pageview', 'u1', 's1', 1748736000, '{"$os":"iOS","$pathname":"/"}', 'posthog')
                        """)
                }
            }
            let database = try FixloopDatabase(url: URL(fileURLWithPath: path))
            let read = try Self.readBack(database)
            #expect(read["old-1"] == .object(["$os": .string("iOS"), "$pathname": .string("/")]))
            let indexes = try await database.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'analytics_event'")
            }
            #expect(!indexes.contains("analytics_event_time") && indexes.contains("analytics_event_session"))
        }
    }
}
