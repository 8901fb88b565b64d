import Foundation
import Testing

@testable import FixloopExportGenerator
@testable import FixloopIngest
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
        #expect(Set(SessionArchetype.weights.map(\.0)) == Set(manifest.map(\.archetype)))
        let withIDs = manifest.filter { !$0.withoutSessionID }
        let sessions = Sessionizer().sessions(from: events)
        for generated in withIDs {
            let session = sessions.first { $0.id == generated.sessionID }
            #expect(session?.events.count == generated.eventCount)
        }
    }

    @Test func theDemoWeekHasItsFixedMixInOneWeekAndIsReproducible() throws {
        let options = PostHogExportGenerator.Options.demoWeek
        let first = Self.generate(options)
        let second = Self.generate(options)
        #expect(first.lines == second.lines)
        var counts: [SessionArchetype: Int] = [:]
        for session in first.manifest { counts[session.archetype, default: 0] += 1 }
        #expect(counts == options.counts)
        let (report, events) = try Self.importLines(first.lines)
        #expect(report.malformed == 0)
        let end = options.start.addingTimeInterval(7 * 86_400 + 3_600)
        #expect(events.allSatisfy { $0.timestamp >= options.start && $0.timestamp < end })
        // The planted bug's message differs by amount only; the edge case's is constant.
        let messages = first.lines.filter { $0.contains("\"$exception\"") }.compactMap { line -> String? in
            guard let range = line.range(of: #""value":"[^"]*""#, options: .regularExpression) else { return nil }
            return String(line[range])
        }
        #expect(messages.filter { $0.contains("is above the cart total") }.count == 41)
        #expect(Set(messages.filter { $0.contains("is above the cart total") }).count > 5)
        #expect(messages.filter { $0.contains("cart is empty at checkout") }.count == 2)
    }

    /// `examples/analytics/demo-week.jsonl.gz` is what the generator writes for ``PostHogExportGenerator/Options/demoWeek``
    /// (`FIXLOOP_UPDATE_GOLDEN=1` rewrites it).
    @Test func theBundledDemoWeekIsTheGeneratorsOutput() throws {
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/analytics/demo-week.jsonl.gz")
        let generator = PostHogExportGenerator(options: .demoWeek)
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] != nil {
            _ = try generator.writeGzip(to: bundled)
        }
        var source = try InflatingByteSource(try FileByteSource(url: bundled), framing: .gzip, name: bundled.lastPathComponent)
        var bytes: [UInt8] = []
        while let chunk = try source.nextChunk() { bytes += chunk }
        let expected = Self.generate(.demoWeek).lines.joined(separator: "\n") + "\n"
        #expect(bytes == Array(expected.utf8))
    }

    /// `examples/analytics/demo-week-two.jsonl.gz` is ``PostHogExportGenerator/Options/demoWeekTwo``: the week after
    /// the first, with the planted bug gone (its customers pay with their codes) and the edge case still there.
    @Test func theBundledSecondDemoWeekIsTheWeekAfterWithoutThePlantedBug() throws {
        let bundled = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/analytics/demo-week-two.jsonl.gz")
        let options = PostHogExportGenerator.Options.demoWeekTwo
        if ProcessInfo.processInfo.environment["FIXLOOP_UPDATE_GOLDEN"] != nil {
            _ = try PostHogExportGenerator(options: options).writeGzip(to: bundled)
        }
        var source = try InflatingByteSource(try FileByteSource(url: bundled), framing: .gzip, name: bundled.lastPathComponent)
        var bytes: [UInt8] = []
        while let chunk = try source.nextChunk() { bytes += chunk }
        let (lines, manifest) = Self.generate(options)
        // One Bool, so a mismatch fails fast instead of diffing two 2 MB arrays.
        let same = bytes == Array((lines.joined(separator: "\n") + "\n").utf8)
        #expect(same, "the bundled file is not the generator's output; FIXLOOP_UPDATE_GOLDEN=1 rewrites it")
        #expect(manifest.count == 160 && manifest.filter { $0.archetype == .discountPurchase }.count == 22)
        let firstWeekEnd = PostHogExportGenerator.Options.demoWeek.start.addingTimeInterval(7 * 86_400)
        let (_, events) = try Self.importLines(lines)
        #expect(events.allSatisfy { $0.timestamp >= firstWeekEnd && $0.timestamp < firstWeekEnd.addingTimeInterval(7 * 86_400 + 3_600) })
        #expect(!lines.contains { $0.contains("is above the cart total") })
        #expect(lines.filter { $0.contains("cart is empty at checkout") && $0.contains("\"$exception\"") }.count == 1)
        #expect(lines.filter { $0.contains("Apply SAVE10") || $0.contains("Apply SUMMER15") || $0.contains("Apply WELCOME20") }.count >= 22)
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
