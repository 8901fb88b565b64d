import FixloopCore
import FixloopIngest
import Foundation

/// Pulls a project's events from PostHog's query API page by page into the import path, from where the last pull
/// stopped.
///
/// Each page is `SELECT uuid, event, timestamp, distinct_id, properties, elements_chain FROM events` in
/// `(timestamp, uuid)` order after the stored cursor, bounded below by `since` and above by the moment the pull
/// started (so an event stamped in the future by a wrong client clock cannot move the cursor past events still to
/// come). The answer is read by the importer like a file (``ImportPage``), and the cursor after its last row is
/// stored in the same transaction as its events: a pull stopped anywhere resumes at the last whole page.
/// Events that reach PostHog later with a timestamp before the cursor are not fetched again.
public struct PostHogEventPull: Sendable {
    public let client: PostHogQueryClient
    /// The earliest event time to fetch (the stored cursor, when later, wins).
    public var since: Date
    /// Fetch events before this time.
    public var until: Date
    /// Rows per query (PostHog allows up to 50,000 with an explicit LIMIT).
    public var pageSize = 10_000

    /// Creates a pull.
    public init(client: PostHogQueryClient, since: Date, until: Date) {
        self.client = client
        self.since = since
        self.until = until
    }

    /// The cursor's name in the store: one per instance and project.
    public var cursorSource: String {
        "posthog:" + client.host.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + client.projectID
    }

    /// Fetches every page after the stored cursor into `sink` through `importer`.
    /// - Returns: The import's counts over all pages.
    /// - Throws: ``PostHogError``, ``IngestError``, the sink's errors, `CancellationError`.
    public func run(importer: AnalyticsImporter, into sink: inout some CursorEventSink) async throws -> ImportReport {
        var position = try await sink.storedCursor(for: cursorSource).flatMap(PostHogPosition.init(stored:))
        var finished = false
        var page = 0
        let source = cursorSource
        return try await importer.importPages(into: &sink) {
            guard !finished else { return nil }
            page += 1
            let bytes = try await client.query(query(after: position))
            let summary = try PostHogPageSummary(bytes, page: page)
            if let last = summary.last { position = last }
            finished = !summary.hasMore || summary.last == nil
            return ImportPage(
                bytes: bytes, name: "PostHog query page \(page)",
                cursor: position.map { ImportCursor(source: source, position: $0.stored) })
        }
    }

    /// The HogQL of the page after `position`.
    public func query(after position: PostHogPosition?) -> String {
        var conditions = [
            "timestamp >= toDateTime(\(Self.literal(Self.text(since))))",
            "timestamp < toDateTime(\(Self.literal(Self.text(until))))",
        ]
        if let position {
            let time = "toDateTime(\(Self.literal(position.timestamp)))"
            conditions.append(
                "(timestamp > \(time) OR (timestamp = \(time) AND toString(uuid) > \(Self.literal(position.uuid))))")
        }
        return """
            SELECT uuid, event, timestamp, distinct_id, properties, elements_chain FROM events \
            WHERE \(conditions.joined(separator: " AND ")) \
            ORDER BY timestamp, toString(uuid) LIMIT \(pageSize)
            """
    }

    /// A HogQL string literal.
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// `2025-06-03T14:02:11.482Z`: milliseconds, UTC, as `toDateTime` reads it whatever the project's time zone.
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

/// Where a pull got to: the last row's timestamp (as PostHog wrote it) and uuid.
public struct PostHogPosition: Sendable, Equatable {
    public var timestamp: String
    public var uuid: String

    public init(timestamp: String, uuid: String) {
        self.timestamp = timestamp
        self.uuid = uuid
    }

    /// `timestamp uuid`, as the store keeps it.
    public var stored: String { timestamp + " " + uuid }

    init?(stored: String) {
        let parts = stored.split(separator: " ", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        timestamp = String(parts[0])
        uuid = String(parts[1])
    }
}

/// What the pull reads of a page itself: whether more follow, and the last row's position.
struct PostHogPageSummary {
    var hasMore: Bool
    var last: PostHogPosition?

    init(_ bytes: [UInt8], page: Int) throws {
        struct Answer: Decodable {
            var columns: [String]?
            var results: [[JSONValue]]?
            var hasMore: Bool?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(bytes)),
              let columns = answer.columns, let rows = answer.results else {
            throw PostHogError(kind: .decoding, "PostHog's answer to query page \(page) has no `columns` and `results`; check [posthog] host.")
        }
        hasMore = answer.hasMore ?? false
        guard let time = columns.firstIndex(of: "timestamp"), let uuid = columns.firstIndex(of: "uuid"),
              let row = rows.last, row.indices.contains(time), row.indices.contains(uuid),
              let timestamp = row[time].stringValue, let id = row[uuid].stringValue else {
            last = nil
            return
        }
        last = PostHogPosition(timestamp: timestamp, uuid: id)
    }
}
