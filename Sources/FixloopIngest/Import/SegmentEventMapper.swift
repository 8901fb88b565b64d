import FixloopCore
/// Maps Segment spec calls onto ``AnalyticsEvent``: `track` keeps its event name, `page` becomes `$pageview`,
/// `screen` becomes `$screen`; `identify`, `group` and `alias` are skipped.
///
/// Segment has no session id; a forwarded one (`context.sessionId`, or Amplitude's `session_id` under
/// `integrations`) is used when present, otherwise events are sessionized by idle gap.
enum SegmentEventMapper {
    static func recognizes(_ object: [String: JSONValue]) -> Bool {
        object["type"] != nil && (object["messageId"] != nil || object["anonymousId"] != nil || object["userId"] != nil)
    }

    static func map(_ object: [String: JSONValue], rawHash: () -> UInt64) -> MappedRecord {
        guard let type = object.text("type") else { return .malformed("missing `type`") }
        guard let actor = object.text("userId") ?? object.text("anonymousId") else {
            return .malformed("missing both `userId` and `anonymousId`")
        }
        let context = object["context"]?.objectValue ?? [:]
        var properties = object["properties"]?.objectValue ?? [:]
        let name: String
        switch type {
        case "track":
            guard let event = object.text("event") else { return .malformed("a `track` call without `event`") }
            name = event
        case "page":
            name = "$pageview"
            let page = context["page"]?.objectValue ?? [:]
            if let url = properties.text("url") ?? page.text("url") { properties["$current_url"] = .string(url) }
            if let path = properties.text("path") ?? page.text("path") { properties["$pathname"] = .string(path) }
            if let title = properties.text("title") ?? object.text("name") { properties["$title"] = .string(title) }
        case "screen":
            name = "$screen"
            if let screen = object.text("name") { properties["$screen_name"] = .string(screen) }
        case "identify", "group", "alias":
            return .skipped
        default:
            return .malformed("unknown call type")
        }
        if properties["$current_url"] == nil, let url = (context["page"]?.objectValue ?? [:]).text("url") {
            properties["$current_url"] = .string(url)
        }
        guard
            let timestamp = AnalyticsTimestamp.parse(
                object["timestamp"] ?? object["originalTimestamp"] ?? object["receivedAt"])
        else { return .malformed("missing or unreadable `timestamp`") }
        let forwarded = context.text("sessionId")
            ?? object["integrations"]?["Amplitude"]?["session_id"]?.scalarText
            ?? object["integrations"]?["Actions Amplitude"]?["session_id"]?.scalarText
        let id = object.text("messageId") ?? "hash:" + StableHash.hex(rawHash())
        return .event(
            AnalyticsEvent(
                id: id, name: name, distinctID: actor,
                sessionID: forwarded.map { "segment-\($0)-\(StableHash.hex(StableHash.fnv1a(actor)))" },
                timestamp: timestamp, properties: properties, source: .segment))
    }
}
