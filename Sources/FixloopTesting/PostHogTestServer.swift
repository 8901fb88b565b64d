import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// PostHog's query API on 127.0.0.1: `POST /api/projects/{id}/query/` with a HogQL query in, `columns`,
/// `results` (rows as arrays, `properties` as JSON text) and `hasMore` out.
///
/// It reads just enough of the HogQL `PostHogEventPull` writes: the `timestamp >=`/`<` bounds, the
/// `(timestamp, uuid)` position after which to start, and `LIMIT`. Faults on demand: a 429 with `Retry-After`,
/// 503s from some page on (a pull that dies midway).
public struct PostHogTestServer: Sendable {
    public let state: PostHogTestState

    /// Serves `events` (PostHog JSON lines, as `PostHogExportGenerator` writes them) to project `projectID`.
    public init(events: [String], projectID: String = "12345", apiKey: String = "phx_test") {
        state = PostHogTestState(events: events, projectID: projectID, apiKey: apiKey)
    }

    public func run<T: Sendable>(isolation: isolated (any Actor)? = #isolation, _ body: (LoopbackServer) async throws -> T) async throws -> T {
        let router = Router()
        let state = self.state
        router.post("/api/projects/:project/query/") { request, context in
            var request = request
            let data = try await request.collectBody(upTo: 1 << 20)
            let project = context.parameters.get("project") ?? ""
            let delay = await state.answerDelay
            if delay > .zero { try await Task.sleep(for: delay) }
            let (status, headers, json) = await state.handle(
                project: project, authorization: request.headers[.authorization], body: Data(data.readableBytesView))
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
            return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        return try await LoopbackServer.with(router, body)
    }
}

public actor PostHogTestState {
    struct Row: Sendable {
        var uuid: String, event: String, timestamp: String, time: Date, distinctID: String, properties: String, chain: String
    }

    private let rows: [Row]
    let projectID: String
    let apiKey: String
    /// The HogQL of every query answered with rows (not the refused or rate-limited ones).
    public private(set) var queries: [String] = []
    private var rateLimitedCalls = 0
    private var failFromPage: Int?

    init(events: [String], projectID: String, apiKey: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        var rows: [Row] = []
        for line in events {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let text = object["timestamp"] as? String, let time = Self.date(text) ?? plain.date(from: text)
            else { continue }
            let properties = (object["properties"]).flatMap { try? JSONSerialization.data(withJSONObject: $0) }
            // As HogQL writes a DateTime64(6, 'UTC'): microseconds and a Z.
            let micro = Self.microseconds(time)
            rows.append(Row(
                uuid: object["uuid"] as? String ?? UUID().uuidString.lowercased(), event: object["event"] as? String ?? "",
                timestamp: micro, time: Self.date(micro) ?? time, distinctID: object["distinct_id"] as? String ?? "",
                properties: properties.map { String(decoding: $0, as: UTF8.self) } ?? "{}",
                chain: object["elements_chain"] as? String ?? ""))
        }
        // The export may repeat an event (re-delivered batches); the events table holds each uuid once.
        var seen = Set<String>()
        self.rows = rows.filter { seen.insert($0.uuid).inserted }.sorted { ($0.time, $0.uuid) < ($1.time, $1.uuid) }
        self.projectID = projectID
        self.apiKey = apiKey
    }

    /// How many distinct events the server holds.
    public var eventCount: Int { rows.count }

    /// The next `count` queries are answered 429 with `Retry-After: 1`.
    public func rateLimit(count: Int) { rateLimitedCalls += count }

    /// Answers 503 to every query from the `page`-th answered one on (1-based), until ``heal()``.
    public func fail(fromPage page: Int) { failFromPage = page }

    /// How long each answer waits (a slow instance, so a test can stop a pull midway).
    public private(set) var answerDelay: Duration = .zero

    /// Makes every answer wait `delay`.
    public func slowDown(_ delay: Duration) { answerDelay = delay }

    /// Answers every query again.
    public func heal() { failFromPage = nil }

    func handle(project: String, authorization: String?, body: Data) -> (Int, [String: String], [UInt8]) {
        guard authorization == "Bearer \(apiKey)" else {
            return reply(401, ["type": "authentication_error", "code": "authentication_failed", "detail": "Invalid personal API key."])
        }
        guard project == projectID else { return reply(404, ["detail": "Not found."]) }
        if rateLimitedCalls > 0 {
            rateLimitedCalls -= 1
            return reply(429, ["type": "throttled_error", "detail": "Request was throttled."], headers: ["Retry-After": "1"])
        }
        if let failFromPage, queries.count + 1 >= failFromPage { return reply(503, ["detail": "Service unavailable."]) }
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        guard let query = object["query"] as? [String: Any], query["kind"] as? String == "HogQLQuery",
              let hogql = query["query"] as? String else {
            return reply(400, ["type": "validation_error", "detail": "Expected a HogQLQuery."])
        }
        queries.append(hogql)
        let limit = Self.match(#"LIMIT (\d+)"#, in: hogql).first.flatMap { Int($0) } ?? 100
        let lower = Self.match(#"timestamp >= toDateTime\('([^']*)'\)"#, in: hogql).first.flatMap(Self.date)
        let upper = Self.match(#"timestamp < toDateTime\('([^']*)'\)"#, in: hogql).first.flatMap(Self.date)
        let after = Self.match(#"timestamp = toDateTime\('([^']*)'\) AND toString\(uuid\) > '([^']*)'"#, in: hogql)
        let afterTime = after.first.flatMap(Self.date)
        let matching = rows.filter { row in
            if let lower, row.time < lower { return false }
            if let upper, row.time >= upper { return false }
            if let afterTime, after.count == 2, (row.time, row.uuid) <= (afterTime, after[1]) { return false }
            return true
        }
        let page = matching.prefix(limit).map { row -> [Any] in
            [row.uuid, row.event, row.timestamp, row.distinctID, row.properties, row.chain]
        }
        return reply(200, [
            "columns": ["uuid", "event", "timestamp", "distinct_id", "properties", "elements_chain"],
            "types": [["uuid", "UUID"], ["event", "String"], ["timestamp", "DateTime64(6, 'UTC')"], ["distinct_id", "String"],
                      ["properties", "String"], ["elements_chain", "String"]],
            "results": page, "hasMore": matching.count > limit, "limit": limit, "offset": 0, "is_cached": false,
            "hogql": hogql,
        ])
    }

    private static func match(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let found = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else { return [] }
        return (1..<found.numberOfRanges).compactMap { Range(found.range(at: $0), in: text).map { String(text[$0]) } }
    }

    /// A timestamp with any number of fraction digits, read to the millisecond (as the generator writes them).
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let dot = text.firstIndex(of: ".") else { return ISO8601DateFormatter().date(from: text) }
        let fraction = text[text.index(after: dot)...].prefix { $0.isNumber }
        let zone = text[text.index(after: dot)...].dropFirst(fraction.count)
        let millis = String((fraction + "000").prefix(3))
        return formatter.date(from: text[..<dot] + "." + millis + zone)
    }

    /// `2025-06-03T14:02:11.482000Z`.
    private static func microseconds(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let text = formatter.string(from: date)  // …11.482Z
        return text.dropLast() + "000Z"
    }

    private func reply(_ status: Int, _ object: [String: Any], headers: [String: String] = [:]) -> (Int, [String: String], [UInt8]) {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return (status, headers, [UInt8](data))
    }
}
