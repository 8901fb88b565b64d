import FixloopCore
import Foundation

/// Reads analytics exports as streams and hands their events to a sink, counting what it skipped and why.
///
/// Files may be PostHog JSON arrays, JSON lines or CSV; Amplitude zips of gzipped JSON lines; Segment JSON lines
/// or arrays; any of them gzipped. Memory stays flat: records are read one at a time from chunks, and only
/// 64-bit hashes of recent event ids are kept to drop duplicates within the import.
public struct AnalyticsImporter: Sendable {
    /// The format to read; `.auto` decides per file (per zip entry) from its first record that decodes.
    public var format: ExportFormat
    /// How many malformed records the report lists (all are counted).
    public var maximumReportedProblems: Int
    /// Events handed to the sink per call.
    public var batchSize: Int
    /// The idle gap that ends a session for events without a session id.
    public var idleGap: TimeInterval
    /// How many event-id hashes the importer keeps to drop duplicates (16 bytes each at most), so memory stays
    /// flat: the ids of the last half of them are always remembered. A repeat of an id seen longer ago is caught
    /// by the sink's own dedupe (the store's primary key) and counted as ``ImportReport/alreadyStored`` rather
    /// than ``ImportReport/duplicates``. Re-delivered batches repeat events close together.
    public var maximumRememberedIDs: Int

    /// Creates an importer.
    public init(
        format: ExportFormat = .auto, maximumReportedProblems: Int = 5, batchSize: Int = 1000,
        idleGap: TimeInterval = Sessionizer.defaultIdleGap, maximumRememberedIDs: Int = 262_144
    ) {
        self.format = format
        self.maximumReportedProblems = maximumReportedProblems
        self.batchSize = batchSize
        self.idleGap = idleGap
        self.maximumRememberedIDs = maximumRememberedIDs
    }

    /// Imports the files in order into `sink`, deduplicating across them.
    /// - Returns: The counts and the first malformed records.
    /// - Throws: ``IngestError`` when a file cannot be read or its container recognized. Malformed records are
    ///   counted, not thrown.
    ///
    /// Files are read and parsed on a thread of their own while the calling thread stores the batches, at most
    /// eight batches ahead: parsing overlaps the sink's work, the blocking reads stay off the caller's thread, and
    /// the reader keeps going while a commit waits on the disk (two batches ahead left it idle then).
    public func importFiles(_ urls: [URL], into sink: inout some AnalyticsEventSink) throws -> ImportReport {
        let channel = BatchChannel(capacity: 8)
        let reader = Thread { [self] in
            var forward = ChannelEventSink(channel: channel)
            channel.finish(Result {
                var run = ImportRun(importer: self)
                for url in urls { try run.importFile(url, into: &forward) }
                return try run.finish(into: &forward)
            })
        }
        // Deeply nested JSON recurses: more stack than a secondary thread's default.
        reader.stackSize = 16 << 20
        reader.start()
        var stored = 0
        do {
            while let batch = channel.receive() {
                try StoringThread.checkCancellation()
                stored += try sink.store(batch)
                channel.release(batch)
            }
        } catch {
            channel.stop()
            _ = channel.result()
            throw error
        }
        // The reader counted every batch it sent as stored; the sink said how many really were.
        var report = try channel.result().get()
        report.alreadyStored = report.stored - stored
        report.stored = stored
        return report
    }

    /// Imports one stream (already opened; gzip is detected and inflated) named `name` in reports.
    public func importStream(
        _ source: some ByteSource, name: String, into sink: inout some AnalyticsEventSink
    ) throws -> ImportReport {
        var run = ImportRun(importer: self)
        try run.importStream(source, name: name, into: &sink)
        return try run.finish(into: &sink)
    }
}

/// The state of one import across its files.
struct ImportRun {
    let importer: AnalyticsImporter
    var report = ImportReport()
    /// Hashes of the ids accepted lately, in two generations of up to half of `maximumRememberedIDs` each.
    var seen = HashSet64()
    var seenBefore = HashSet64()
    var batch: [AnalyticsEvent] = []
    var sessions: SessionCounter
    var format: ExportFormat
    /// Recent session contexts, so a session's events share one copy of theirs.
    var contexts: ContextInterner? = ContextInterner()

    init(importer: AnalyticsImporter) {
        self.importer = importer
        self.sessions = SessionCounter(idleGap: importer.idleGap)
        self.format = importer.format
    }

    mutating func importFile(_ url: URL, into sink: inout some AnalyticsEventSink) throws {
        let magic = try Self.firstBytes(of: url, count: 4)
        try CompressedExport.refuseParquet(magic, name: url.lastPathComponent)
        if magic == [0x50, 0x4B, 0x03, 0x04] {
            report.container = .zip
            let archive = try ZipArchive(url: url)
            for entry in archive.entries {
                try importStream(
                    try archive.byteSource(for: entry), name: "\(url.lastPathComponent):\(entry.name)",
                    into: &sink, insideZip: true)
            }
        } else {
            try importStream(try FileByteSource(url: url), name: url.lastPathComponent, into: &sink)
        }
    }

    mutating func importStream(
        _ source: some ByteSource, name: String, into sink: inout some AnalyticsEventSink, insideZip: Bool = false
    ) throws {
        var peek = PeekingByteSource(source)
        let head = try peek.peek(minimum: 4)
        try CompressedExport.refuseParquet(head, name: name)
        if CompressedExport.isBrotli(name: name, head: head) {
            try importRecords(
                PeekingByteSource(try BrotliByteSource(peek, name: name)), name: name, into: &sink, insideZip: insideZip)
        } else if head.starts(with: [0x1F, 0x8B]) {
            try importRecords(
                PeekingByteSource(try InflatingByteSource(peek, framing: .gzip, name: name)), name: name,
                into: &sink, insideZip: insideZip)
        } else {
            try importRecords(peek, name: name, into: &sink, insideZip: insideZip)
        }
    }

    private mutating func importRecords<Source: ByteSource>(
        _ source: PeekingByteSource<Source>, name: String, into sink: inout some AnalyticsEventSink,
        insideZip: Bool
    ) throws {
        var source = source
        format = importer.format
        let head = try source.peek(minimum: 64)
        guard let first = head.first(where: { !$0.isJSONWhitespace && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF })
        else { return }
        let container: ExportContainer =
            first == UInt8(ascii: "[") ? .jsonArray : first == UInt8(ascii: "{") ? .jsonLines : .csv
        if !insideZip { report.container = container }
        if container == .jsonLines, ResultsEnvelopeReader<PeekingByteSource<Source>>.recognizes(try source.peek(minimum: 64 * 1024)) {
            if !insideZip { report.container = .apiResponse }
            try consume(ResultsEnvelopeReader(source), name: name, into: &sink)
            return
        }
        switch container {
        case .jsonArray: try consume(JSONArrayReader(source), name: name, into: &sink)
        case .jsonLines, .zip, .apiResponse: try consume(JSONLinesReader(source), name: name, into: &sink)
        case .csv:
            guard format == .auto || format == .posthog else {
                throw IngestError(
                    .unknownFormat,
                    "\(name) looks like CSV, which only PostHog exports use; pass --format posthog or auto.")
            }
            try consume(CSVRecordReader(source), name: name, into: &sink, csv: true)
        }
    }

    private mutating func consume(
        _ reader: some RawRecordReader, name: String, into sink: inout some AnalyticsEventSink, csv: Bool = false
    ) throws {
        var reader = reader
        var header: [String]?
        while let record = try reader.next() {
            if csv, header == nil, case .fields(let fields) = record.payload {
                header = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                guard let header, header.contains("event") else {
                    throw IngestError(
                        .unknownFormat,
                        "\(name) is neither JSON nor a CSV export with an `event` column; check the file.")
                }
                continue
            }
            report.read += 1
            if report.read % 4096 == 0 { try StoringThread.checkCancellation() }
            switch map(record, header: header ?? []) {
            case .event(let event): try accept(consume event, into: &sink)
            case .skipped: report.skipped += 1
            case .malformed(let reason): reject(name: name, line: record.line, reason: reason)
            }
        }
        if format != .auto { report.format = format }
    }

    private mutating func map(_ record: RawRecord, header: [String]) -> MappedRecord {
        let object: [String: JSONValue]
        // Only records without an id need the hash of their bytes, so it is computed on demand.
        let hash: () -> UInt64
        switch record.payload {
        case .unreadable(let reason): return .malformed(reason)
        case .fields(let fields):
            object = PostHogEventMapper.object(header: header, fields: fields)
            hash = { StableHash.fnv1a(fields.joined(separator: "\u{1F}")) }
        case .row(let bytes, let columns):
            guard case .array(let cells)? = try? JSONLine.decode(bytes) else { return .malformed("not valid JSON") }
            object = Dictionary(zip(columns, cells), uniquingKeysWith: { first, _ in first })
            hash = { StableHash.fnv1a(bytes) }
        case .json(let bytes):
            if format == .posthog, let mapped = PostHogEventMapper.map(json: bytes, rawHash: { StableHash.fnv1a(bytes) }, contexts: &contexts) {
                return mapped
            }
            guard let value = try? JSONLine.decode(bytes) else { return .malformed("not valid JSON") }
            guard let members = value.objectValue else { return .malformed("not a JSON object") }
            object = members
            hash = { StableHash.fnv1a(bytes) }
        }
        if format == .auto {
            if AmplitudeEventMapper.recognizes(object) {
                format = .amplitude
            } else if SegmentEventMapper.recognizes(object) {
                format = .segment
            } else if PostHogEventMapper.recognizes(object) {
                format = .posthog
            } else {
                return .malformed("not recognizably a PostHog, Amplitude or Segment event")
            }
        }
        switch format {
        case .amplitude: return AmplitudeEventMapper.map(object, rawHash: hash)
        case .segment: return SegmentEventMapper.map(object, rawHash: hash)
        case .posthog, .auto: return PostHogEventMapper.map(object, rawHash: hash)
        }
    }

    private mutating func accept(_ event: consuming AnalyticsEvent, into sink: inout some AnalyticsEventSink) throws {
        let hash = StableHash.wide(event.id)
        guard !seenBefore.contains(hash), seen.insert(hash) else {
            report.duplicates += 1
            return
        }
        if seen.count >= max(1, importer.maximumRememberedIDs / 2) {
            seenBefore = seen
            seen = HashSet64(minimumCapacity: seenBefore.count)
        }
        sessions.add(event)
        batch.append(consume event)
        if batch.count >= importer.batchSize { try flush(into: &sink) }
    }

    private mutating func reject(name: String, line: Int, reason: String) {
        report.malformed += 1
        if report.problems.count < importer.maximumReportedProblems {
            report.problems.append(.init(file: name, line: line, reason: reason))
        }
    }

    mutating func flush(into sink: inout some AnalyticsEventSink) throws {
        guard !batch.isEmpty else { return }
        let stored = try sink.store(batch)
        report.stored += stored
        report.alreadyStored += batch.count - stored
        batch.removeAll(keepingCapacity: true)
    }

    mutating func finish(into sink: inout some AnalyticsEventSink) throws -> ImportReport {
        try flush(into: &sink)
        report.sessions = sessions.count
        return report
    }

    private static func firstBytes(of url: URL, count: Int) throws -> [UInt8] {
        var source = try FileByteSource(url: url, chunkSize: count)
        return try source.nextChunk() ?? []
    }
}
