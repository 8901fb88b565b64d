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

    /// The event with its properties decoded, so that repeated reads of them (a timeline reads several) do not
    /// parse the JSON text each time.
    public func decodingProperties() -> AnalyticsEvent {
        guard case .encoded = storedProperties else { return self }
        var event = self
        event.storedProperties = .decoded(storedProperties.decoded)
        return event
    }

    /// A property as a string, if it is one.
    public func string(_ key: String) -> String? { properties[key]?.stringValue }

    /// A property as a number, if it is one (or a string that holds one).
    public func number(_ key: String) -> Double? { properties[key]?.numberValue }
}

/// An event's properties: decoded, or the JSON text they were read as.
private enum EventProperties: Sendable, Hashable {
    case decoded([String: JSONValue])
    case encoded([UInt8])

    var decoded: [String: JSONValue] {
        switch self {
        case .decoded(let members): return members
        case .encoded(let bytes): return (try? JSONParser.parse(bytes))?.objectValue ?? [:]
        }
    }

    var encoded: [UInt8] {
        switch self {
        case .decoded(let members): return JSONValue.object(members).compactBytes()
        case .encoded(let bytes): return bytes
        }
    }

    // Equal properties are equal however they are held (the text's key order and spacing do not count).
    static func == (lhs: Self, rhs: Self) -> Bool {
        if case .encoded(let left) = lhs, case .encoded(let right) = rhs, left == right { return true }
        return lhs.decoded == rhs.decoded
    }

    func hash(into hasher: inout Hasher) { hasher.combine(decoded) }
}
