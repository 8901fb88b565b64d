import FixloopCore
import Foundation
import Logging
import PostgresNIO

/// Where a warehouse import stopped: the last row's `timestamp` (microseconds since 1970) and `uuid`, so the next
/// page, and the next run, start strictly after it ((timestamp, uuid) keyset paging).
public struct WarehouseCursor: Sendable, Hashable, Codable {
    public var timestampMicros: Int64
    public var uuid: String

    public init(timestampMicros: Int64, uuid: String) {
        self.timestampMicros = timestampMicros
        self.uuid = uuid
    }

    /// `<timestamp_us>|<uuid>`: the cursor as the store's `import_cursor` keeps it.
    public var position: String { "\(timestampMicros)|\(uuid)" }

    /// The cursor kept as ``position``; nil for any other text.
    public init?(position: String) {
        let parts = position.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Int64(parts[0]), !parts[1].isEmpty else { return nil }
        self.init(timestampMicros: micros, uuid: String(parts[1]))
    }
}

/// One page of warehouse rows as PostHog JSON lines (what PostHog's batch export to S3 writes), for the import path.
public struct WarehousePage: Sendable {
    /// One JSON object per row and line: `uuid`, `event`, `distinct_id`, `timestamp`, `properties`, `elements_chain`.
    public var jsonLines: [UInt8]
    /// Rows on the page.
    public var rows: Int
    /// The last row's place; nil for an empty page.
    public var last: WarehouseCursor?
}

/// Reads a PostHog-shaped events table (the columns of PostHog's batch export to PostgreSQL: `uuid`, `event`,
/// `properties`, `distinct_id`, `timestamp`, and `elements` or `elements_chain`; others such as `team_id`, `set`,
/// `ip` or `_inserted_at` are not needed) in pages ordered by (timestamp, uuid), each page after a cursor.
///
/// The server writes each row as a JSON line (`json_build_object`), so the rows go through the same importer, and
/// the same store, as an export file; `properties` may be `jsonb`, `json` or text holding a JSON object.
public final class WarehouseEventSource: Sendable {
    /// The columns an event needs.
    public static let requiredColumns = ["uuid", "event", "distinct_id", "timestamp", "properties"]

    public let connector: PostgresConnector
    public let table: PostgresTableName
    /// Rows per page.
    public let pageSize: Int
    private let connection: PostgresConnection
    private let logger: Logger
    private let selectSQL: String

    /// Connects and checks that `table` has PostHog's columns.
    /// - Throws: ``PostgresError``: unreachable, refused, no such database; `bad_table` naming the missing columns.
    public init(connector: PostgresConnector, table: PostgresTableName, pageSize: Int = 5_000) async throws {
        self.connector = connector
        self.table = table
        self.pageSize = max(1, pageSize)
        let logger = Logger(label: "fixloop.warehouse")
        self.logger = logger
        let connection = try await connector.connect(logger: logger)
        self.connection = connection
        do {
            let columns = try await Self.columns(of: table, on: connection, logger: logger)
            if columns.isEmpty {
                throw PostgresError(.badTable, "PostgreSQL at \(connector.url) has no table \(table) (or this user cannot see it); name the table PostHog's batch export writes with --table.")
            }
            let missing = Self.requiredColumns.filter { columns[$0] == nil }
            if !missing.isEmpty {
                throw PostgresError(.badTable, "Table \(table) at \(connector.url) lacks the column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")); --from reads the columns of PostHog's batch export to PostgreSQL (uuid, event, distinct_id, timestamp, properties).")
            }
            if let type = columns["timestamp"], !type.hasPrefix("timestamp") {
                throw PostgresError(.badTable, "Column timestamp of \(table) at \(connector.url) is \(type), not a timestamp; --from needs PostHog's `timestamp with time zone`.")
            }
            selectSQL = Self.select(table: table, columns: columns)
        } catch {
            try? await connection.close()
            throw connector.describe(error)
        }
    }

    /// The column names of `table` with their data types; empty when there is no such table.
    private static func columns(
        of table: PostgresTableName, on connection: PostgresConnection, logger: Logger
    ) async throws -> [String: String] {
        let rows = try await connection.query(
            """
            SELECT column_name::text, data_type::text FROM information_schema.columns
            WHERE table_schema = COALESCE(\(table.schema), current_schema()) AND table_name = \(table.table)
            """, logger: logger)
        var columns: [String: String] = [:]
        for try await (name, type) in rows.decode((String, String).self) { columns[name] = type }
        return columns
    }

    /// The page query: rows strictly after the cursor ($1 microseconds, $2 uuid), at or after $3 (microseconds;
    /// the earliest wanted time), ordered by the keyset, $4 of them.
    private static func select(table: PostgresTableName, columns: [String: String]) -> String {
        func chain(_ column: String) -> String? {
            guard let type = columns[column] else { return nil }
            let quoted = "\"\(column)\""
            // PostHog writes the chain as a JSON string in a jsonb column; a text column holds it as it is.
            return type.hasPrefix("json")
                ? "CASE WHEN jsonb_typeof(\(quoted)::jsonb) = 'string' THEN \(quoted)::jsonb #>> '{}' END"
                : "\(quoted)::text"
        }
        let elements = chain("elements_chain") ?? chain("elements") ?? "NULL::text"
        let properties = columns["properties"]!.hasPrefix("json") ? "\"properties\"::jsonb" : "\"properties\"::text"
        let microseconds = "(extract(epoch FROM \"timestamp\") * 1000000)::bigint"
        return """
            SELECT "uuid"::text, \(microseconds),
                json_build_object(
                    'uuid', "uuid"::text, 'event', "event", 'distinct_id', "distinct_id",
                    'timestamp', to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                    'properties', \(properties), 'elements_chain', \(elements))::text
            FROM \(table.sql)
            WHERE ("timestamp", "uuid"::text) > (to_timestamp(0) + $1::bigint * interval '1 microsecond', $2::text)
              AND "timestamp" >= to_timestamp(0) + $3::bigint * interval '1 microsecond'
            ORDER BY "timestamp", "uuid"::text
            LIMIT $4::bigint
            """
    }

    /// Before every event: 1000-01-01 in microseconds since 1970 (inside PostgreSQL's timestamp range).
    static let beginning: Int64 = -30_610_224_000 * 1_000_000

    /// The page of rows after `cursor` (nil: from the start), none earlier than `since`.
    /// - Throws: ``PostgresError`` when the query fails or the connection is lost.
    public func page(after cursor: WarehouseCursor?, since: Date? = nil) async throws -> WarehousePage {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(cursor?.timestampMicros ?? Self.beginning)
        bindings.append(cursor?.uuid ?? "")
        bindings.append(since.map { max(Self.beginning, Int64(($0.timeIntervalSince1970 * 1_000_000).rounded(.down))) } ?? Self.beginning)
        bindings.append(Int64(pageSize))
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: selectSQL, binds: bindings), logger: logger)
            var page = WarehousePage(jsonLines: [], rows: 0, last: nil)
            page.jsonLines.reserveCapacity(pageSize * 512)
            for try await (uuid, micros, line) in rows.decode((String, Int64, String).self) {
                page.jsonLines.append(contentsOf: line.utf8)
                page.jsonLines.append(0x0A)
                page.rows += 1
                page.last = WarehouseCursor(timestampMicros: micros, uuid: uuid)
            }
            return page
        } catch {
            throw connector.describe(error)
        }
    }

    /// Closes the connection.
    public func close() async {
        try? await connection.close()
    }
}
