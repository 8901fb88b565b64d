import FixloopCore
import Foundation

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
        let chain = properties.removeValue(forKey: "$elements_chain")?.stringValue
        return event({ object[$0] }, properties: properties, chainInProperties: chain, rawHash: rawHash) {
            AnalyticsEvent(
                id: $0, name: name, distinctID: distinctID, sessionID: $1, timestamp: $2, properties: properties,
                elementsChain: $3, source: .posthog)
        }
    }

    /// The properties the mapper reads; the importer's fast path decodes only these.
    static let mappedProperties = WantedNames(["$session_id", "$insert_id", "$time", "$elements_chain"])

    /// Maps one JSON record keeping its properties as the bytes they came as (checked, not decoded), cut into the
    /// event's own and its session's ``EventContext`` when some are context and `contexts` is given (the events
    /// of a session then share one copy of it).
    /// - Returns: `nil` when the record needs ``map(_:rawHash:)``: not an object, properties given as a JSON
    ///   string, or holding `$elements_chain` (which moves out of the properties).
    static func map(json bytes: ArraySlice<UInt8>, rawHash: () -> UInt64) -> MappedRecord? {
        var contexts: ContextInterner? = ContextInterner()
        return map(json: bytes, rawHash: rawHash, contexts: &contexts)
    }

    static func map(
        json bytes: ArraySlice<UInt8>, rawHash: () -> UInt64, contexts: inout ContextInterner?
    ) -> MappedRecord? {
        let record: JSONParser.ShallowObject
        do {
            guard
                let shallow = try JSONParser.parseShallow(
                    bytes, keepingRaw: "properties", decoding: mappedProperties, splittingContext: &contexts)
            else { return nil }
            record = shallow
        } catch {
            return .malformed("not valid JSON")
        }
        guard record.selected["$elements_chain"] == nil else { return nil }
        guard let name = record.text("event") else { return .malformed("missing `event`") }
        guard let distinctID = record.text("distinct_id") ?? record.text("person_id") else {
            return .malformed("missing `distinct_id`")
        }
        if let split = record.split {
            return event(record.member, properties: record.selected, chainInProperties: nil, rawHash: rawHash) {
                AnalyticsEvent(
                    id: $0, name: name, distinctID: distinctID, sessionID: $1, timestamp: $2,
                    ownPropertiesJSON: split.own, contextJSON: split.context, contextHash: split.contextHash,
                    elementsChain: $3, source: .posthog)
            }
        }
        let propertiesJSON: [UInt8]
        if let raw = record.raw {
            propertiesJSON = raw
        } else {
            switch record.member("properties") {
            case .null, nil: propertiesJSON = Array("{}".utf8)
            case .string: return nil
            default: return .malformed("`properties` is neither an object nor a JSON string")
            }
        }
        return event(record.member, properties: record.selected, chainInProperties: nil, rawHash: rawHash) {
            AnalyticsEvent(
                id: $0, name: name, distinctID: distinctID, sessionID: $1, timestamp: $2,
                propertiesJSON: propertiesJSON, elementsChain: $3, source: .posthog)
        }
    }

    /// The fields both paths read from the record and its properties: timestamp, id, session and chain.
    private static func event(
        _ member: (String) -> JSONValue?, properties: [String: JSONValue], chainInProperties: String?,
        rawHash: () -> UInt64, make: (String, String?, Date, String?) -> AnalyticsEvent
    ) -> MappedRecord {
        func text(_ name: String) -> String? { member(name)?.nonEmptyText }
        guard let timestamp = AnalyticsTimestamp.parse(member("timestamp") ?? properties["$time"]) else {
            return .malformed("missing or unreadable `timestamp`")
        }
        let chain = text("elements_chain") ?? chainInProperties
        let id = text("uuid") ?? text("id") ?? properties.text("$insert_id") ?? "hash:" + StableHash.hex(rawHash())
        let sessionID = properties.text("$session_id") ?? text("$session_id") ?? text("session_id")
        return .event(make(id, sessionID, timestamp, chain))
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
