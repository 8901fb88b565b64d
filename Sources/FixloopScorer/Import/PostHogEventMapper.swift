/// Maps PostHog export records (JSON, JSON lines, CSV rows) onto ``AnalyticsEvent``.
enum PostHogEventMapper {
    /// Whether a record looks like PostHog's.
    static func recognizes(_ object: [String: JSONValue]) -> Bool {
        object["event"] != nil && (object["distinct_id"] != nil || object["uuid"] != nil)
    }

    static func map(_ object: [String: JSONValue], rawHash: () -> UInt64) -> MappedRecord {
        guard let name = object.text("event") else { return .malformed("missing `event`") }
        guard let distinctID = object.text("distinct_id") ?? object.text("person_id") else {
            return .malformed("missing `distinct_id`")
        }
        var properties: [String: JSONValue]
        switch object["properties"] {
        case .object(let members): properties = members
        case .string(let text):
            guard let decoded = try? JSONLine.decode(Array(text.utf8)), let members = decoded.objectValue else {
                return .malformed("`properties` is a string that is not a JSON object")
            }
            properties = members
        case .null, nil: properties = [:]
        default: return .malformed("`properties` is neither an object nor a JSON string")
        }
        guard let timestamp = AnalyticsTimestamp.parse(object["timestamp"] ?? properties["$time"]) else {
            return .malformed("missing or unreadable `timestamp`")
        }
        var chain = object.text("elements_chain")
        if let inner = properties.removeValue(forKey: "$elements_chain")?.stringValue, chain == nil { chain = inner }
        let id = object.text("uuid") ?? properties.text("$insert_id") ?? "hash:" + StableHash.hex(rawHash())
        let sessionID = properties.text("$session_id") ?? object.text("$session_id") ?? object.text("session_id")
        return .event(
            AnalyticsEvent(
                id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
                properties: properties, elementsChain: chain, source: .posthog))
    }

    /// Builds the record object from a CSV row: `properties.X` (or `properties/X`) columns go into properties.
    static func object(header: [String], fields: [String]) -> [String: JSONValue] {
        var object: [String: JSONValue] = [:]
        var properties: [String: JSONValue] = [:]
        for (column, field) in zip(header, fields) where !field.isEmpty {
            if column.hasPrefix("properties.") || column.hasPrefix("properties/") {
                properties[String(column.dropFirst("properties.".count))] = .string(field)
            } else {
                object[column] = .string(field)
            }
        }
        if !properties.isEmpty, object["properties"] == nil { object["properties"] = .object(properties) }
        return object
    }
}
