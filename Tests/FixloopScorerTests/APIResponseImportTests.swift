import CBrotli
import Foundation
import Testing

@testable import FixloopIngest

/// Files as PostHog writes them: API responses saved to a file, compressed batch exports, and Parquet refused.
@Suite struct APIResponseImportTests {
    private func run(_ url: URL, chunkSize: Int? = nil) throws -> (ImportReport, [AnalyticsEvent]) {
        var sink = CollectingEventSink()
        if let chunkSize {
            let bytes = try [UInt8](Data(contentsOf: url))
            let report = try AnalyticsImporter().importStream(
                MemoryByteSource(bytes, chunkSize: chunkSize), name: url.lastPathComponent, into: &sink)
            return (report, sink.events)
        }
        let report = try AnalyticsImporter().importFiles([url], into: &sink)
        return (report, sink.events)
    }

    private func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fixloop-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    @Test func anEventsAPIResponseFileImportsItsEventsNotOneMalformedRecord() throws {
        let (report, events) = try run(FixtureFiles.url("posthog-events-api.json"))
        #expect(report.container == .apiResponse)
        #expect(report.format == .posthog)
        #expect(report.read == 3)
        #expect(report.malformed == 0)
        #expect(report.stored == 3)
        #expect(report.sessions == 2)
        // The Events API names the event's uuid `id`.
        #expect(events.map(\.id) == (1...3).map { "0197a1b2-0000-7000-8000-00000000000\($0)" })
        let click = try #require(events.first { $0.name == "$autocapture" })
        #expect(click.elementsChain == "button:text=\"Pay now\"nth-child=\"1\"")
        #expect(click.timestamp == Date(timeIntervalSince1970: 1_748_959_340))
    }

    @Test func aQueryAPIResponseMapsRowsByItsColumnsAndParsesPropertiesGivenAsText() throws {
        for chunkSize in [nil, 7] as [Int?] {
            let (report, events) = try run(FixtureFiles.url("posthog-query-response.json"), chunkSize: chunkSize)
            #expect(report.read == 4)
            #expect(report.stored == 3)
            #expect(report.malformed == 1)
            #expect(report.problems.first?.reason == "missing `distinct_id`")
            #expect(events.map(\.name) == ["$pageview", "$exception", "$rageclick"])
            try #require(events.count == 3)
            #expect(Set(events.map(\.sessionID)) == ["0197a1b0-0000-7abc-9def-333333333333"])
            #expect(events[0].properties["$pathname"] == .string("/checkout"))
            #expect(events[1].properties["$exception_type"] == .string("TypeError"))
            #expect(events[2].elementsChain == "button:text=\"Pay now\"nth-child=\"1\"")
        }
    }

    @Test func rowsBeforeTheirColumnsAreReadOnceTheColumnsCome() throws {
        let text = """
            {"results": [["u-1", "$pageview", "2025-06-03T14:02:11Z", "user_1", "{\\"$session_id\\": \\"s-1\\"}"],
                         ["u-2", "$pageleave", "2025-06-03T14:03:11Z", "user_1", "{}"]],
             "hasMore": false, "columns": ["uuid", "event", "timestamp", "distinct_id", "properties"]}
            """
        let url = try temporaryFile("response.json", Array(text.utf8))
        let (report, events) = try run(url)
        #expect(report.stored == 2)
        #expect(events.map(\.id) == ["u-1", "u-2"])
        try #require(events.count == 2)
        #expect(events[0].sessionID == "s-1")
    }

    @Test func jsonLinesWhoseEventsHaveAResultsPropertyAreStillLines() throws {
        let line = #"{"uuid": "e-1", "event": "report", "distinct_id": "u", "timestamp": "2025-06-03T14:02:11Z", "properties": {"results": [1, 2]}}"#
        let url = try temporaryFile("events.jsonl", Array((line + "\n").utf8))
        let (report, _) = try run(url)
        #expect(report.container == .jsonLines)
        #expect(report.stored == 1)
    }

    @Test func brotliCompressedBatchExportLinesAreRead() throws {
        let plain = try [UInt8](Data(contentsOf: FixtureFiles.url("posthog-events.jsonl")))
        var compressed = [UInt8](repeating: 0, count: BrotliEncoderMaxCompressedSize(plain.count))
        var size = compressed.count
        let ok = BrotliEncoderCompress(
            BROTLI_DEFAULT_QUALITY, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, plain.count, plain, &size, &compressed)
        #expect(ok == BROTLI_TRUE)
        let url = try temporaryFile("2025-06-03_events.jsonl.br", Array(compressed[0..<size]))
        let (report, events) = try run(url)
        let (expected, expectedEvents) = try run(FixtureFiles.url("posthog-events.jsonl"))
        #expect(report.stored == expected.stored)
        #expect(report.read == expected.read)
        #expect(events == expectedEvents)
    }

    @Test func aCutOffBrotliFileIsACorruptArchive() throws {
        let plain = try [UInt8](Data(contentsOf: FixtureFiles.url("posthog-events.jsonl")))
        var compressed = [UInt8](repeating: 0, count: BrotliEncoderMaxCompressedSize(plain.count))
        var size = compressed.count
        _ = BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, plain.count, plain, &size, &compressed)
        let url = try temporaryFile("events.jsonl.br", Array(compressed[0..<(size / 2)]))
        let error = try #require(throws: IngestError.self) { try run(url) }
        #expect(error.kind == .corruptArchive)
    }

    @Test func aParquetFileIsRefusedWithTheExportFormatToChooseInstead() throws {
        let url = try temporaryFile("events.parquet", Array("PAR1".utf8) + [UInt8](repeating: 0, count: 64) + Array("PAR1".utf8))
        let error = try #require(throws: IngestError.self) { try run(url) }
        #expect(error.kind == .unknownFormat)
        #expect(error.message.contains("events.parquet is a Parquet file"))
        #expect(error.message.contains("JSONLines"))
    }
}
