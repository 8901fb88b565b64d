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
    ///
    /// Each page is parsed and stored on a ``StoringThread`` (the sink may block on a network database), while the
    /// pages are fetched by the caller's task.
    public func importPages<Sink: CursorEventSink>(
        into sink: inout Sink, next: () async throws -> ImportPage?
    ) async throws -> ImportReport {
        let state = PagesState(run: ImportRun(importer: self), sink: sink)
        // The sink comes back whatever happens: a failed batch may have changed what it remembers.
        defer { sink = state.sink }
        while let page = try await next() {
            try Task.checkCancellation()
            try await StoringThread.run {
                try state.run.importStream(MemoryByteSource(page.bytes), name: page.name, into: &state.sink)
                try state.run.flush(into: &state.sink, cursor: page.cursor)
            }
        }
        return try await StoringThread.run { try state.run.finish(into: &state.sink) }
    }
}

extension CursorEventSink {
    /// The stored position of `source`, read on a ``StoringThread``.
    public func storedCursor(for source: String) async throws -> String? {
        let sink = UncheckedSink(sink: self)
        return try await StoringThread.run { try sink.sink.cursor(for: source) }
    }
}

/// A sink handed to a ``StoringThread`` while its owner waits.
private struct UncheckedSink<Sink>: @unchecked Sendable {
    var sink: Sink
}

/// An import's run and its sink, handed to one ``StoringThread`` after another while the importing task waits.
private final class PagesState<Sink: CursorEventSink>: @unchecked Sendable {
    var run: ImportRun
    var sink: Sink
    init(run: ImportRun, sink: Sink) {
        self.run = run
        self.sink = sink
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
