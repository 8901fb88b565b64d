import FixloopCore
import FixloopExportGenerator
import FixloopTesting
import Foundation
import Testing

@testable import FixloopIngest

/// The scorer's event sink and session reader, on every backend: an event is stored once however often it is
/// imported (also by two imports at once), a failed batch stores nothing and leaves its cursor, a session context is
/// written once, and the sessions read back are the sessions imported, events in order, properties whole.
@Suite struct EventStoreConformanceTests {
    /// A generated PostHog export (with sessionless events and duplicates), and each event's properties as the file
    /// has them.
    static func export(in root: URL, sessions: Int = 12) throws -> (url: URL, properties: [String: JSONValue]) {
        var options = PostHogExportGenerator.Options()
        options.sessions = sessions
        options.duplicateRate = 0.05
        options.sessionlessRate = 0.25
        let url = root.appendingPathComponent("export.jsonl")
        _ = try PostHogExportGenerator(options: options).write(to: url)
        var properties: [String: JSONValue] = [:]
        for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n") {
            let object = try #require(try JSONParser.parse(Array(line.utf8)).objectValue)
            properties[try #require(object["uuid"]?.stringValue)] = object["properties"]
        }
        return (url, properties)
    }

    /// Each stored event's properties as read back, by id.
    static func readBack(_ stores: ScorerTestStores) async throws -> [String: JSONValue] {
        var read: [String: JSONValue] = [:]
        for session in try await stores.sessions() {
            for event in session.events { read[event.id] = .object(event.properties) }
        }
        return read
    }

    @Test(arguments: StoreBackend.available)
    func theSameEventsImportedTwiceAreStoredOnce(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, properties) = try Self.export(in: root)
                let first = try await stores.importing(url)
                #expect(first.stored == properties.count && first.alreadyStored == 0 && first.duplicates > 0)
                let contexts = try await stores.count("analytics_event_context")
                let second = try await stores.importing(url)
                #expect(second.stored == 0 && second.alreadyStored == properties.count)
                #expect(try await stores.count("analytics_event") == properties.count)
                // A re-import writes no context either.
                #expect(try await stores.count("analytics_event_context") == contexts)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func aSessionContextIsStoredOnceAndEveryEventReadsBackWhole(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, properties) = try Self.export(in: root)
                _ = try await stores.importing(url, batchSize: 10)
                var collected = CollectingEventSink()
                _ = try AnalyticsImporter().importFiles([url], into: &collected)
                let withContext = collected.events.compactMap(\.propertyParts.context)
                // Each distinct context once, shared by the events of its session.
                let contexts = try await stores.count("analytics_event_context")
                #expect(contexts == Set(withContext).count && contexts < properties.count / 3)
                #expect(try await Self.readBack(stores) == properties)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func twoImportsAtOnceStoreEachEventOnceWithItsContext(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, properties) = try Self.export(in: root, sessions: 20)
                async let first = stores.importing(url, batchSize: 15)
                async let second = stores.importing(url, batchSize: 15)
                let (a, b) = try await (first, second)
                #expect(a.stored + b.stored == properties.count)
                #expect(try await stores.count("analytics_event") == properties.count)
                #expect(try await Self.readBack(stores) == properties)
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func aFailedBatchStoresNothingAndItsCursorStays(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, properties) = try Self.export(in: root)
                var collected = CollectingEventSink()
                _ = try AnalyticsImporter().importFiles([url], into: &collected)
                let sessions = Dictionary(grouping: collected.events.filter { $0.sessionID != nil }, by: { $0.sessionID! })
                    .values.sorted { $0[0].id < $1[0].id }
                let (first, second) = (sessions[0], sessions[1])
                let refused = AnalyticsEvent(id: "refused", name: "$pageview", distinctID: "u", timestamp: first[0].timestamp)
                for statement in stores.refuseSQL { try await stores.execute(statement) }
                let source = "test:source"
                let sink = stores.makeSink()
                let steps = try await StoringThread.run { () throws -> (Int, Bool, String?, Int, String?) in
                    var sink = sink
                    let stored = try sink.store(first, cursor: ImportCursor(source: source, position: "1"))
                    let failed = (try? sink.store(second + [refused], cursor: ImportCursor(source: source, position: "2"))) == nil
                    let kept = try sink.cursor(for: source)
                    // The same sink goes on after the failure, and the contexts it wrote before are still right.
                    let retried = try sink.store(second, cursor: ImportCursor(source: source, position: "2"))
                    return (stored, failed, kept, retried, try sink.cursor(for: source))
                }
                #expect(steps.0 == first.count && steps.1 && steps.2 == "1")
                #expect(steps.3 == second.count && steps.4 == "2")
                #expect(try await stores.count("analytics_event") == first.count + second.count)
                let read = try await Self.readBack(stores)
                #expect(read.count == first.count + second.count)
                #expect(read.allSatisfy { properties[$0.key] == $0.value })
            }
        }
    }

    @Test(arguments: StoreBackend.available)
    func storedEventsReadBackAsTheImportedSessions(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, _) = try Self.export(in: root, sessions: 16)
                var collected = CollectingEventSink()
                let report = try AnalyticsImporter().importFiles([url], into: &collected)
                _ = try await stores.importing(url)
                let expected = Sessionizer().sessions(from: collected.events).map { SessionShape($0) }
                let read = try await stores.sessions().map { SessionShape($0) }
                #expect(read.count == report.sessions)
                #expect(read.contains { !$0.hasSourceID } && read.contains { $0.hasSourceID })
                #expect(read == expected.sorted { ($0.start, $0.id) < ($1.start, $1.id) })
            }
        }
    }
}

extension EventStoreConformanceTests {
    @Test(arguments: StoreBackend.available)
    func onlyTheEventsOfThePeriodAreReadBack(backend: StoreBackend) async throws {
        try await backend.withScorerStores { stores in
            try await withTemporaryDirectory("fixloop-events") { root in
                let (url, properties) = try Self.export(in: root)
                _ = try await stores.importing(url)
                let times = try await stores.sessions().flatMap(\.events).map(\.timestamp).sorted()
                let middle = times[times.count / 2]
                let reader = stores.reader
                let (before, after) = try await StoringThread.run { () throws -> ([Date], [Date]) in
                    var before: [Date] = [], after: [Date] = []
                    try reader.forEachSession(since: nil, until: middle) { before += $0.events.map(\.timestamp) }
                    try reader.forEachSession(since: middle, until: nil) { after += $0.events.map(\.timestamp) }
                    return (before, after)
                }
                #expect(before.count + after.count == properties.count)
                #expect(before.allSatisfy { $0 < middle } && after.allSatisfy { $0 >= middle } && after.contains(middle))
            }
        }
    }
}

/// What must agree between backends about a session: its ids, its events in order with their times (to the
/// microsecond PostgreSQL keeps), names and whole properties.
struct SessionShape: Equatable, CustomStringConvertible {
    struct Event: Equatable {
        var id, name, distinctID: String
        var sessionID: String?
        var microseconds: Int64
        var properties: JSONValue
        var elementsChain: String?
    }

    var id, distinctID: String
    var hasSourceID: Bool
    var start: Int64
    var events: [Event]

    init(_ session: AnalyticsSession) {
        id = session.id
        distinctID = session.distinctID
        hasSourceID = session.hasSourceID
        start = Self.microseconds(session.start)
        events = session.events.map {
            Event(id: $0.id, name: $0.name, distinctID: $0.distinctID, sessionID: $0.sessionID,
                  microseconds: Self.microseconds($0.timestamp), properties: .object($0.properties), elementsChain: $0.elementsChain)
        }
    }

    static func microseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) }

    var description: String { "\(id) (\(events.count) events)" }
}
