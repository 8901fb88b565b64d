import FixloopCore

/// Where an incremental import has got to in one source: the position after the last page stored.
public struct ImportCursor: Sendable, Hashable {
    /// The source, such as `posthog:https://us.posthog.com/12345`.
    public var source: String
    /// The source's own position text (for PostHog: the last row's timestamp and uuid).
    public var position: String

    /// Creates a cursor.
    public init(source: String, position: String) {
        self.source = source
        self.position = position
    }
}

/// One page of an incremental import: a response body the importer reads like a file, and the cursor after it.
public struct ImportPage: Sendable {
    /// The body (any container the importer reads; PostHog's query API answers an object with `results`).
    public var bytes: [UInt8]
    /// The name used in problem reports.
    public var name: String
    /// The position after this page, stored with the page's last events.
    public var cursor: ImportCursor?

    /// Creates a page.
    public init(bytes: [UInt8], name: String, cursor: ImportCursor?) {
        self.bytes = bytes
        self.name = name
        self.cursor = cursor
    }
}

/// A sink that also keeps import cursors, committed together with the events they follow: a rerun after a kill
/// starts from the last page whose events were all stored.
public protocol CursorEventSink: AnalyticsEventSink {
    /// Stores a batch and, in the same transaction, moves `cursor` (a batch may be empty).
    mutating func store(_ events: [AnalyticsEvent], cursor: ImportCursor) throws -> Int
    /// The stored position of `source`, or nil before its first page.
    func cursor(for source: String) throws -> String?
}

extension AnalyticsImporter {
    /// Imports pages as they come, deduplicating across them; each page's cursor is stored with its last events.
    /// - Parameter next: the next page, or nil at the end.
    /// - Returns: The counts over all pages.
    /// - Throws: ``IngestError`` for an unreadable page, `next`'s and the sink's errors, `CancellationError`.
    public func importPages(
        into sink: inout some CursorEventSink, next: () async throws -> ImportPage?
    ) async throws -> ImportReport {
        var run = ImportRun(importer: self)
        while let page = try await next() {
            try Task.checkCancellation()
            try run.importStream(MemoryByteSource(page.bytes), name: page.name, into: &sink)
            try run.flush(into: &sink, cursor: page.cursor)
        }
        return try run.finish(into: &sink)
    }
}

extension ImportRun {
    /// Stores what is waiting, with `cursor` in the same transaction (even when nothing waits).
    mutating func flush(into sink: inout some CursorEventSink, cursor: ImportCursor?) throws {
        guard let cursor else { return try flush(into: &sink) }
        let stored = try sink.store(batch, cursor: cursor)
        report.stored += stored
        report.alreadyStored += batch.count - stored
        batch.removeAll(keepingCapacity: true)
    }
}

extension ImportReport {
    /// This report with `earlier`'s counts added (files imported before a pull); problems of both, `earlier`'s first.
    /// Sessions are summed, so a session in both counts twice.
    public func adding(_ earlier: ImportReport?) -> ImportReport {
        guard let earlier else { return self }
        var sum = self
        sum.read += earlier.read
        sum.malformed += earlier.malformed
        sum.duplicates += earlier.duplicates
        sum.skipped += earlier.skipped
        sum.stored += earlier.stored
        sum.alreadyStored += earlier.alreadyStored
        sum.sessions += earlier.sessions
        sum.problems = earlier.problems + problems
        return sum
    }
}
