import Foundation
import Testing

@testable import FixloopScorer

@Suite struct GeneratorTests {
    static func generate(_ options: PostHogExportGenerator.Options) -> (lines: [String], manifest: [GeneratedSession]) {
        var lines: [String] = []
        let manifest = PostHogExportGenerator(options: options).generate { lines.append($0) }
        return (lines, manifest)
    }

    static func importLines(_ lines: [String]) throws -> (ImportReport, [AnalyticsEvent]) {
        var sink = CollectingEventSink()
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let report = try AnalyticsImporter().importStream(MemoryByteSource(bytes), name: "generated", into: &sink)
        return (report, sink.events)
    }

    @Test func theSameSeedGivesTheSameBytesAndAnotherSeedDoesNot() {
        var options = PostHogExportGenerator.Options()
        options.sessions = 20
        let first = Self.generate(options)
        let second = Self.generate(options)
        options.seed = 2
        let third = Self.generate(options)
        #expect(first.lines == second.lines)
        #expect(first.manifest == second.manifest)
        #expect(first.lines != third.lines)
    }

    @Test func theGeneratedExportImportsWithExactCounts() throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = 60
        options.duplicateRate = 0.05
        options.sessionlessRate = 0.1
        let (lines, manifest) = Self.generate(options)
        let (report, events) = try Self.importLines(lines)
        let unique = manifest.reduce(0) { $0 + $1.eventCount }
        #expect(report.read == lines.count)
        #expect(report.malformed == 0)
        #expect(report.duplicates == lines.count - unique)
        #expect(report.duplicates > 0)
        #expect(events.count == unique)
        #expect(Set(SessionArchetype.allCases) == Set(manifest.map(\.archetype)))
        let withIDs = manifest.filter { !$0.withoutSessionID }
        let sessions = Sessionizer().sessions(from: events)
        for generated in withIDs {
            let session = sessions.first { $0.id == generated.sessionID }
            #expect(session?.events.count == generated.eventCount)
        }
    }

    @Test func theEventLimitIsExact() {
        var options = PostHogExportGenerator.Options()
        options.sessions = 10_000
        options.maximumEvents = 1234
        options.duplicateRate = 0.1
        #expect(Self.generate(options).lines.count == 1234)
    }

    @Test func timelinesAreAtLeastTwentyTimesSmallerThanTheRawEventsAndKeepEveryError() throws {
        var options = PostHogExportGenerator.Options()
        options.sessions = 200
        let (lines, _) = Self.generate(options)
        let rawBytes = lines.reduce(0) { $0 + $1.utf8.count + 1 }
        let (_, events) = try Self.importLines(lines)
        let context = TimelineTests.context
        let builder = TimelineBuilder(milestones: context.milestones)
        var timelineBytes = 0
        var errorsKept = 0
        for session in Sessionizer().sessions(from: events) {
            let timeline = builder.timeline(for: session)
            let text = timeline.render()
            timelineBytes += text.utf8.count
            errorsKept += text.components(separatedBy: " ERROR ").count - 1
        }
        let exceptionEvents = events.filter { $0.name == "$exception" }.count
        #expect(exceptionEvents > 0)
        #expect(errorsKept == exceptionEvents)
        let ratio = Double(rawBytes) / Double(timelineBytes)
        #expect(ratio >= 20, "raw \(rawBytes) B, timelines \(timelineBytes) B, ratio \(ratio)")
    }
}
