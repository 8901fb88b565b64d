import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct SessionizerTests {
    private func event(_ id: String, user: String = "u", session: String? = nil, at seconds: Double) -> AnalyticsEvent {
        AnalyticsEvent(
            id: id, name: "$pageview", distinctID: user, sessionID: session,
            timestamp: Date(timeIntervalSince1970: 1_700_000_000 + seconds))
    }

    @Test func groupsBySourceSessionIdAndSortsEventsThatArrivedOutOfOrder() {
        let events = [
            event("c", session: "s1", at: 30), event("a", session: "s1", at: 0), event("b", session: "s1", at: 10),
        ]
        let sessions = Sessionizer().sessions(from: events)
        #expect(sessions.count == 1)
        #expect(sessions[0].id == "s1")
        #expect(sessions[0].events.map(\.id) == ["a", "b", "c"])
        #expect(sessions[0].duration == 30)
        #expect(sessions[0].hasSourceID)
    }

    @Test func aSourceSessionIsNotCutByIdleTime() {
        let events = [event("a", session: "s1", at: 0), event("b", session: "s1", at: 3 * 3600)]
        #expect(Sessionizer().sessions(from: events).count == 1)
    }

    @Test func eventsWithoutASessionIdAreCutAtAThirtyMinuteGapPerUser() {
        let events = [
            event("a1", user: "a", at: 0), event("a3", user: "a", at: 1800 + 600 + 1),
            event("a2", user: "a", at: 600), event("b1", user: "b", at: 700),
        ]
        let sessions = Sessionizer().sessions(from: events)
        #expect(sessions.map { $0.events.map(\.id) } == [["a1", "a2"], ["b1"], ["a3"]])
        #expect(sessions.allSatisfy { !$0.hasSourceID && $0.id.hasPrefix("inferred-") })
    }

    @Test func aGapOfExactlyThirtyMinutesKeepsTheSession() {
        let events = [event("a", at: 0), event("b", at: 1800)]
        #expect(Sessionizer().sessions(from: events).count == 1)
    }

    @Test func inferredSessionsAreCutAtTheMaximumLength() {
        let events = (0..<10).map { event("e\($0)", at: Double($0) * 1200) }
        let sessions = Sessionizer(maximumLength: 3600).sessions(from: events)
        #expect(sessions.map(\.events.count) == [4, 4, 2])
    }

    @Test func theResultDoesNotDependOnInputOrder() {
        var events: [AnalyticsEvent] = []
        for index in 0..<40 {
            let session: String? = index % 4 == 0 ? "s\(index % 8)" : nil
            let seconds = Double((index * 7919) % 9000)
            events.append(event("e\(index)", user: "u\(index % 3)", session: session, at: seconds))
        }
        let forward = Sessionizer().sessions(from: events)
        let backward = Sessionizer().sessions(from: events.reversed())
        #expect(forward == backward)
        #expect(forward.reduce(0) { $0 + $1.events.count } == 40)
    }

    @Test func importedFixturesFormTheSessionsTheReportCounted() throws {
        var sink = CollectingEventSink()
        let report = try AnalyticsImporter().importFiles([FixtureFiles.url("posthog-events.jsonl")], into: &sink)
        let sessions = Sessionizer().sessions(from: sink.events)
        #expect(sessions.count == report.sessions)
        #expect(sessions[0].events.map(\.id) == ["e-01", "e-03", "e-02", "e-04"])
    }
}
