import FixloopCore
/// Maps Amplitude export records onto ``AnalyticsEvent``, renaming its autocapture events to PostHog's.
///
/// `session_id` is the session's start in epoch milliseconds and is only unique per user, so the session id
/// kept is `amplitude-<start>-<hash of the user>`; `-1` means no session and the event is sessionized by idle gap.
enum AmplitudeEventMapper {
    static func recognizes(_ object: [String: JSONValue]) -> Bool {
        object["event_type"] != nil
    }

    /// Amplitude's autocapture names and their PostHog equivalents.
    static let renamed: [String: String] = [
        "[Amplitude] Page Viewed": "$pageview",
        "[Amplitude] Element Clicked": "$autocapture",
        "[Amplitude] Element Changed": "$autocapture",
        "[Amplitude] Form Submitted": "$autocapture",
        "[Amplitude] Rage Click": "$rageclick",
        "[Amplitude] Dead Click": "$dead_click",
        "[Amplitude] Error Logged": "$exception",
        "[Amplitude] Start Session": "$session_start",
        "[Amplitude] End Session": "$session_end",
    ]

    static func map(_ object: [String: JSONValue], rawHash: () -> UInt64) -> MappedRecord {
        guard let type = object.text("event_type") else { return .malformed("missing `event_type`") }
        guard let actor = object.text("user_id") ?? object.text("device_id") else {
            return .malformed("missing both `user_id` and `device_id`")
        }
        guard let timestamp = AnalyticsTimestamp.parse(object["event_time"] ?? object["client_event_time"]) else {
            return .malformed("missing or unreadable `event_time`")
        }
        var properties = object["event_properties"]?.objectValue ?? [:]
        let name = renamed[type] ?? type
        switch name {
        case "$pageview":
            if let url = properties.text("[Amplitude] Page URL") ?? properties.text("page_url") {
                properties["$current_url"] = .string(url)
            }
            if let path = properties.text("[Amplitude] Page Path") ?? properties.text("page_path") {
                properties["$pathname"] = .string(path)
            }
        case "$autocapture", "$rageclick", "$dead_click":
            if let text = properties.text("[Amplitude] Element Text") { properties["$el_text"] = .string(text) }
            properties["$event_type"] = .string(type.hasSuffix("Changed") ? "change" : type.hasSuffix("Submitted") ? "submit" : "click")
        case "$exception":
            if let message = properties.text("[Amplitude] Error Message") {
                properties["$exception_message"] = .string(message)
            }
            properties["$exception_type"] = .string(properties.text("[Amplitude] Error Type") ?? "Error")
        default: break
        }
        if properties["$current_url"] == nil, let url = properties.text("[Amplitude] Page URL") {
            properties["$current_url"] = .string(url)
        }
        var sessionID: String?
        if let start = object["session_id"]?.numberValue, start > 0 {
            sessionID = "amplitude-\(Int64(start))-\(StableHash.hex(StableHash.fnv1a(actor)))"
        }
        let id = object.text("uuid") ?? object.text("$insert_id") ?? "hash:" + StableHash.hex(rawHash())
        return .event(
            AnalyticsEvent(
                id: id, name: name, distinctID: actor, sessionID: sessionID, timestamp: timestamp,
                properties: properties, source: .amplitude))
    }
}
