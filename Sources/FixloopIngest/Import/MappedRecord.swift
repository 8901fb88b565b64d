import FixloopCore
/// What a format mapper made of one decoded record.
enum MappedRecord {
    /// An event.
    case event(AnalyticsEvent)
    /// A record that is not an event (Segment `identify`): counted, not stored.
    case skipped
    /// A record missing what an event needs; the reason names the field, never its value.
    case malformed(String)
}

extension Dictionary where Key == String, Value == JSONValue {
    /// A member as text: a string, or a number written without a fraction.
    package func text(_ key: String) -> String? { self[key]?.nonEmptyText }
}

extension JSONValue {
    /// A scalar as text (``scalarText``), unless it is empty.
    package var nonEmptyText: String? {
        guard let value = scalarText, !value.isEmpty else { return nil }
        return value
    }
}
