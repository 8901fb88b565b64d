import Foundation
import Testing

@testable import FixloopIngest
@testable import FixloopScorer

@Suite struct ImportTests {
    private func run(_ names: [String], format: ExportFormat = .auto) throws -> (ImportReport, [AnalyticsEvent]) {
        var sink = CollectingEventSink()
        let report = try AnalyticsImporter(format: format).importFiles(names.map(FixtureFiles.url), into: &sink)
        return (report, sink.events)
    }

    @Test func postHogJSONLinesAreCountedWithMalformedLinesAndDuplicates() throws {
        let (report, events) = try run(["posthog-events.jsonl"])
        #expect(report.format == .posthog)
        #expect(report.container == .jsonLines)
        #expect(report.read == 11)
        #expect(report.malformed == 3)
        #expect(report.duplicates == 1)
        #expect(report.stored == 7)
        #expect(report.sessions == 3)
        #expect(report.problems.map(\.line) == [4, 11, 12])
        #expect(report.problems.map(\.reason) == ["not valid JSON", "not a JSON object", "missing `distinct_id`"])
        #expect(events.map(\.id) == ["e-01", "e-02", "e-03", "e-04", "e-05", "e-06", "e-07"])
        let click = try #require(events.first { $0.id == "e-02" })
        #expect(click.elementsChain?.hasPrefix("button.btn.btn-primary") == true)
        #expect(click.sessionID == "0190a1b0-0000-7abc-9def-111111111111")
        #expect(click.timestamp == Date(timeIntervalSince1970: 1_748_959_220))
    }

    @Test func gzipIsReadDirectlyWithTheSameResult() throws {
        let (plain, plainEvents) = try run(["posthog-events.jsonl"])
        let (zipped, zippedEvents) = try run(["posthog-events.jsonl.gz"])
        var renamed = zipped
        renamed.problems = zipped.problems.map { .init(file: "posthog-events.jsonl", line: $0.line, reason: $0.reason) }
        #expect(zipped.problems.first?.file == "posthog-events.jsonl.gz")
        #expect(renamed == plain)
        #expect(zippedEvents == plainEvents)
    }

    @Test func aPrettyPrintedJSONArrayIsStreamedElementByElement() throws {
        let (report, events) = try run(["posthog-events.json"])
        #expect(report.container == .jsonArray)
        #expect(report.read == 5)
        #expect(report.malformed == 1)
        #expect(report.duplicates == 1)
        #expect(report.problems.first?.line == 19)
        #expect(report.problems.first?.reason == "missing or unreadable `timestamp`")
        let save = try #require(events.first { $0.id == "a-02" })
        #expect(save.properties["$el_text"] == .string("Save"))
        #expect(save.elementsChain == "button:text=\"Save\"nth-child=\"1\"")
        #expect(save.properties["$elements_chain"] == nil)
    }

    @Test func csvExportsReadPropertiesAsJSONStringsAndQuotedNewlines() throws {
        let (report, events) = try run(["posthog-export.csv"])
        #expect(report.container == .csv)
        #expect(report.read == 4)
        #expect(report.malformed == 1)
        #expect(report.problems.first?.line == 5)
        #expect(events.count == 3)
        #expect(events[0].properties["$current_url"] == .string("https://app.example.com/a/b"))
        #expect(events[1].elementsChain == "a.nav:href=\"/next\"nth-child=\"1\"text=\"Next,\n page\"")
        #expect(events[1].timestamp == Date(timeIntervalSince1970: 1_749_117_605.5))
        #expect(events.allSatisfy { $0.sessionID == "s-csv" })
    }

    @Test func amplitudeZipOfGzippedLinesIsMappedToPostHogNames() throws {
        let (report, events) = try run(["amplitude-export.zip"])
        #expect(report.format == .amplitude)
        #expect(report.container == .zip)
        #expect(report.read == 6)
        #expect(report.malformed == 1)
        #expect(report.problems.first?.file == "amplitude-export.zip:123456_2025-06-06_9#0.json.gz")
        #expect(report.problems.first?.line == 4)
        #expect(report.duplicates == 1)
        #expect(report.sessions == 2)
        #expect(events.map(\.name) == ["$pageview", "$autocapture", "Order Completed", "server_ping"])
        #expect(events[0].properties["$pathname"] == .string("/cart"))
        #expect(events[1].properties["$el_text"] == .string("Checkout"))
        #expect(events[0].sessionID == events[2].sessionID)
        #expect(events[0].sessionID?.hasPrefix("amplitude-1749196800000-") == true)
        #expect(events[3].sessionID == nil)
    }

    @Test func aStoredZipWithAFolderReadsLikeTheDeflatedOne() throws {
        let (deflated, deflatedEvents) = try run(["amplitude-export.zip"])
        let (stored, storedEvents) = try run(["amplitude-export-stored.zip"])
        #expect(storedEvents == deflatedEvents)
        #expect(stored.read == deflated.read)
        #expect(stored.problems.first?.file == "amplitude-export-stored.zip:export/123456_2025-06-06_9#0.json.gz")
    }

    /// A byte flipped in a stored entry's gzip header (its time stamp) still inflates to the same events: only the
    /// zip's CRC-32 tells that the archive is damaged.
    @Test func aZipEntryThatFailsItsCRCIsRefusedAsACorruptArchive() throws {
        var bytes = Array(try Data(contentsOf: FixtureFiles.url("amplitude-export-stored.zip")))
        var offset = 0
        while true {
            // Local headers: signature, then the compressed size at 18 and the name and extra lengths at 26 and 28.
            try #require(offset + 30 <= bytes.count && bytes.uint32(at: offset) == 0x0403_4b50)
            let data = offset + 30 + Int(bytes.uint16(at: offset + 26)) + Int(bytes.uint16(at: offset + 28))
            let size = Int(bytes.uint32(at: offset + 18))
            if size > 0 {
                try #require(bytes[data] == 0x1f && bytes[data + 1] == 0x8b)
                bytes[data + 4] ^= 0xFF
                break
            }
            offset = data + size
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zip-crc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let damaged = folder.appendingPathComponent("damaged.zip")
        try Data(bytes).write(to: damaged)
        var sink = CollectingEventSink()
        #expect {
            try AnalyticsImporter().importFiles([damaged], into: &sink)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.code == "scorer.corrupt_archive" && error.message.contains("CRC-32")
                && error.message.contains("export/123456_2025-06-06_8#0.json.gz in damaged.zip")
        }
    }

    @Test func segmentCallsAreMappedAndIdentifyIsSkipped() throws {
        let (report, events) = try run(["segment-events.jsonl"])
        #expect(report.format == .segment)
        #expect(report.read == 5)
        #expect(report.skipped == 1)
        #expect(report.malformed == 1)
        #expect(report.problems.first?.reason == "missing both `userId` and `anonymousId`")
        #expect(events.map(\.name) == ["$pageview", "Order Completed", "$screen"])
        #expect(events[0].distinctID == "anon-7")
        #expect(events[0].properties["$pathname"] == .string("/"))
        #expect(events[2].properties["$screen_name"] == .string("Activity Feed"))
    }

    @Test func reimportingIntoTheSameSinkStoresNothingNew() throws {
        var sink = CollectingEventSink()
        let importer = AnalyticsImporter()
        let first = try importer.importFiles([FixtureFiles.url("posthog-events.jsonl")], into: &sink)
        let second = try importer.importFiles([FixtureFiles.url("posthog-events.jsonl.gz")], into: &sink)
        #expect(first.stored == 7)
        #expect(second.stored == 0)
        #expect(second.alreadyStored == 7)
        #expect(sink.events.count == 7)
    }

    @Test func anUnreadableFileEndsTheImportWithTheBatchesBeforeItStored() throws {
        var sink = CollectingEventSink()
        let importer = AnalyticsImporter(batchSize: 1)
        let missing = URL(fileURLWithPath: "/nonexistent/fixloop/export.jsonl")
        #expect(throws: IngestError.self) {
            try importer.importFiles([FixtureFiles.url("posthog-events.jsonl"), missing], into: &sink)
        }
        #expect(sink.events.count == 7)
    }

    @Test func tinyChunksGiveTheSameRecordsAsLargeOnes() throws {
        let bytes = Array(try Data(contentsOf: FixtureFiles.url("posthog-events.json")))
        var small = CollectingEventSink()
        var large = CollectingEventSink()
        let importer = AnalyticsImporter()
        let a = try importer.importStream(MemoryByteSource(bytes, chunkSize: 3), name: "a", into: &small)
        let b = try importer.importStream(MemoryByteSource(bytes), name: "b", into: &large)
        #expect(a.problems.map(\.line) == b.problems.map(\.line))
        #expect(small.events == large.events)
        #expect(small.events.count == 3)
    }

    @Test func aForcedFormatRejectsOtherProductsRecords() throws {
        let (report, events) = try run(["segment-events.jsonl"], format: .amplitude)
        #expect(events.isEmpty)
        #expect(report.malformed == 5)
    }

    @Test func concatenatedGzipMembersAreReadOneAfterAnother() throws {
        let bytes = Array(try Data(contentsOf: FixtureFiles.url("posthog-events.jsonl.gz")))
        var sink = CollectingEventSink()
        let report = try AnalyticsImporter().importStream(
            MemoryByteSource(bytes + bytes, chunkSize: 100), name: "twice.gz", into: &sink)
        #expect(report.read == 22)
        #expect(report.malformed == 6)
        #expect(report.duplicates == 1 + 8)  // the second copy: 7 events and its own repeat
        #expect(report.problems.map(\.line) == [4, 11, 12, 16, 23])
        #expect(sink.events.count == 7)
    }

    @Test func aFileThatIsNeitherJSONNorAnEventCSVIsAnUnknownFormat() {
        var sink = CollectingEventSink()
        #expect {
            try AnalyticsImporter().importStream(
                MemoryByteSource(Array("name,email\nJane,jane@example.com\n".utf8)), name: "people.csv", into: &sink)
        } throws: { error in
            guard let error = error as? IngestError else { return false }
            return error.code == "scorer.unknown_format" && !error.message.contains("jane")
        }
    }

    @Test func aTruncatedGzipIsACorruptArchiveError() throws {
        let bytes = Array(try Data(contentsOf: FixtureFiles.url("posthog-events.jsonl.gz")))
        var sink = CollectingEventSink()
        #expect {
            try AnalyticsImporter().importStream(
                MemoryByteSource(Array(bytes.prefix(bytes.count / 2))), name: "cut.gz", into: &sink)
        } throws: { ($0 as? IngestError)?.code == "scorer.corrupt_archive" }
    }

    @Test func aLineOverTheLimitIsReportedAndSkipped() throws {
        let long = "{\"event\":\"x\",\"distinct_id\":\"" + String(repeating: "a", count: 300) + "\"}\n"
        let good = "{\"uuid\":\"k\",\"event\":\"y\",\"distinct_id\":\"u\",\"timestamp\":\"2025-01-01T00:00:00Z\"}\n"
        var reader = JSONLinesReader(MemoryByteSource(Array((long + good).utf8), chunkSize: 7), maximumLineLength: 64)
        guard case .unreadable(let reason)? = try reader.next()?.payload else {
            Issue.record("expected an unreadable record")
            return
        }
        #expect(reason == "line longer than 64 bytes")
        let next = try #require(try reader.next())
        #expect(next.line == 2)
        #expect(try reader.next() == nil)
    }
}

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2025-06-03T14:02:11.482Z", 1_748_959_331.482),
        ("2025-06-03 14:02:11.482000", 1_748_959_331.482),
        ("2025-06-03T16:02:11+02:00", 1_748_959_331.0),
        ("2025-06-03T09:02:11-0500", 1_748_959_331.0),
        ("1748959331482", 1_748_959_331.482),
        ("1748959331", 1_748_959_331.0),
    ])
    func parsesExportTimestamps(text: String, seconds: Double) throws {
        let date = try #require(AnalyticsTimestamp.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005)
    }

    @Test(arguments: ["yesterday", "2025-13-01T00:00:00Z", "2025-06-03T14:02", "", "2025-06-03T14:02:11Zjunk"])
    func rejectsWhatIsNotATimestamp(text: String) {
        #expect(AnalyticsTimestamp.parse(text) == nil)
    }
}

@Suite struct MixedImportTests {
    @Test func eachFileIsDetectedOnItsOwn() throws {
        var sink = CollectingEventSink()
        let report = try AnalyticsImporter().importFiles(
            ["segment-events.jsonl", "posthog-events.json", "amplitude-export.zip"].map(FixtureFiles.url), into: &sink)
        #expect(report.format == .amplitude)
        #expect(report.read == 5 + 5 + 6)
        #expect(report.malformed == 1 + 1 + 1)
        #expect(Set(sink.events.map(\.source)) == [.segment, .posthog, .amplitude])
        #expect(report.stored == 3 + 3 + 4)
    }
}
