import FixloopCore
import Foundation

/// An import fed one page at a time (a warehouse table read in keyset pages): one dedupe window, one session
/// count and one report across the pages, and every page stored in full before ``importPage(_:name:into:)``
/// returns, so the caller can record how far it got.
public struct PagedImport {
    private var run: ImportRun

    /// Starts an import with `importer`'s settings.
    public init(importer: AnalyticsImporter) { run = ImportRun(importer: importer) }

    /// Imports one page (JSON lines, a JSON array or CSV, as a file would be) and hands every event of it to `sink`.
    /// - Throws: ``IngestError`` when the page is not readable as an export; the sink's errors.
    public mutating func importPage(
        _ source: some ByteSource, name: String, into sink: inout some AnalyticsEventSink
    ) throws {
        try run.importStream(source, name: name, into: &sink)
        try run.flush(into: &sink)
    }

    /// The report over every page so far.
    public mutating func finish(into sink: inout some AnalyticsEventSink) throws -> ImportReport {
        try run.finish(into: &sink)
    }
}
