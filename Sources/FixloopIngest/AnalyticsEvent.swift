import FixloopCore
import Foundation

/// One analytics event in the common shape every export format is mapped into.
///
/// Names follow PostHog's (`$pageview`, `$autocapture`, `$exception`…); Amplitude and Segment page and screen
/// calls are mapped onto them, their own events keep their names.
public struct AnalyticsEvent: Sendable, Hashable {
    /// The event's id in its source (`uuid`, Amplitude `uuid`/`$insert_id`, Segment `messageId`): the dedupe key.
    public var id: String
    /// The event name, such as `$pageview` or `order_completed`.
    public var name: String
    /// Who did it: PostHog `distinct_id`, Amplitude `user_id` or `device_id`, Segment `userId` or `anonymousId`.
    /// Personal data: never put it in an error, a log line or a prompt.
    public var distinctID: String
    /// The session the source put the event in, if it has one (`$session_id`, Amplitude `session_id`).
    public var sessionID: String?
    /// When it happened.
    public var timestamp: Date
    /// The event's properties. An event the importer read keeps them as the JSON text it came with and decodes
    /// them on each access; setting them stores the dictionary.
    public var properties: [String: JSONValue] {
        get { storedProperties.decoded }
        set { storedProperties = .decoded(newValue) }
    }
    /// The properties as JSON text (UTF-8): the bytes they were read as, when the importer kept them, so the store
    /// writes them without building and serializing a dictionary.
    public var propertiesJSON: [UInt8] { storedProperties.encoded }
    private var storedProperties: EventProperties
    /// The autocapture elements chain (top-level `elements_chain` or `$elements_chain`), if any.
    public var elementsChain: String?
    /// The product the export came from.
    public var source: AnalyticsSource

    /// Creates an event.
    public init(
        id: String, name: String, distinctID: String, sessionID: String? = nil, timestamp: Date,
        properties: [String: JSONValue] = [:], elementsChain: String? = nil, source: AnalyticsSource = .posthog
    ) {
        self.id = id
        self.name = name
        self.distinctID = distinctID
        self.sessionID = sessionID
        self.timestamp = timestamp
        self.storedProperties = .decoded(properties)
        self.elementsChain = elementsChain
        self.source = source
    }

    /// Creates an event whose properties are the JSON object in `propertiesJSON`, decoded only when read.
    /// `propertiesJSON` must be a valid JSON object (the importer checked it); anything else reads as no properties.
    package init(
        id: String, name: String, distinctID: String, sessionID: String?, timestamp: Date,
        propertiesJSON: [UInt8], elementsChain: String?, source: AnalyticsSource
    ) {
        self.init(
            id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
            elementsChain: elementsChain, source: source)
        storedProperties = .encoded(propertiesJSON)
    }

    /// Creates an event whose properties are two JSON objects with no name in common: its own, and the context it
    /// shares with the other events of its session (``EventContext``). Read, they are one object.
    package init(
        id: String, name: String, distinctID: String, sessionID: String?, timestamp: Date,
        ownPropertiesJSON: [UInt8], contextJSON: [UInt8], contextHash: UInt64? = nil, elementsChain: String?,
        source: AnalyticsSource
    ) {
        self.init(
            id: id, name: name, distinctID: distinctID, sessionID: sessionID, timestamp: timestamp,
            elementsChain: elementsChain, source: source)
        let hash = contextHash ?? StableHash.wide(contextJSON)
        storedProperties = .split(own: ownPropertiesJSON, context: contextJSON, contextHash: hash)
    }

    /// The properties as the store keeps them: the event's own JSON object and, when it has one, its context's,
    /// with a hash of the context's bytes. Without a context, `own` is every property.
    package var propertyParts: (own: [UInt8], context: [UInt8]?, contextHash: UInt64) {
        switch storedProperties {
        case .split(let own, let context, let hash): return (own, context, hash)
        case .encoded(let bytes): return (bytes, nil, 0)
        case .decoded: return (storedProperties.encoded, nil, 0)
        }
    }

    /// The event with its properties decoded, so that repeated reads of them (a timeline reads several) do not
    /// parse the JSON text each time.
    public func decodingProperties() -> AnalyticsEvent {
        if case .decoded = storedProperties { return self }
        var event = self
        event.storedProperties = .decoded(storedProperties.decoded)
        return event
    }

    /// A property as a string, if it is one.
    public func string(_ key: String) -> String? { properties[key]?.stringValue }

    /// A property as a number, if it is one (or a string that holds one).
    public func number(_ key: String) -> Double? { properties[key]?.numberValue }
}

/// An event's properties: decoded, the JSON text they were read as, or that text cut into the event's own
/// members and its session's context (two objects with no name in common).
private enum EventProperties: Sendable, Hashable {
    case decoded([String: JSONValue])
    case encoded([UInt8])
    case split(own: [UInt8], context: [UInt8], contextHash: UInt64)

    var decoded: [String: JSONValue] {
        switch self {
        case .decoded(let members): return members
        case .encoded(let bytes): return (try? JSONParser.parse(bytes))?.objectValue ?? [:]
        case .split: return (try? JSONParser.parse(encoded))?.objectValue ?? [:]
        }
    }

    var encoded: [UInt8] {
        switch self {
        case .decoded(let members): return JSONValue.object(members).compactBytes()
        case .encoded(let bytes): return bytes
        case .split(let own, let context, _): return Self.joined(own, context)
        }
    }

    /// One object of the members of two: `{"a":1}` and `{"b":2}` give `{"a":1,"b":2}`.
    static func joined(_ first: [UInt8], _ second: [UInt8]) -> [UInt8] {
        func isEmptyObject(_ bytes: [UInt8]) -> Bool { !bytes.contains { !$0.isJSONWhitespace && $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "}") } }
        if isEmptyObject(second) { return first }
        if isEmptyObject(first) { return second }
        guard let close = first.lastIndex(of: UInt8(ascii: "}")), let open = second.firstIndex(of: UInt8(ascii: "{"))
        else { return first }
        var joined = Array(first[..<close])
        joined.reserveCapacity(close + second.count)
        joined.append(UInt8(ascii: ","))
        joined.append(contentsOf: second[(open + 1)...])
        return joined
    }

    // Equal properties are equal however they are held (the text's key order and spacing do not count).
    static func == (lhs: Self, rhs: Self) -> Bool {
        if case .encoded(let left) = lhs, case .encoded(let right) = rhs, left == right { return true }
        return lhs.decoded == rhs.decoded
    }

    func hash(into hasher: inout Hasher) { hasher.combine(decoded) }
}
