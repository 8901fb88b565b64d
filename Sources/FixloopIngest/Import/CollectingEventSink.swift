/// Keeps every event in memory, deduplicating by id across calls (tests, small files, benchmarks).
public struct CollectingEventSink: AnalyticsEventSink {
    /// The events newly stored, in arrival order.
    public private(set) var events: [AnalyticsEvent] = []
    private var ids: Set<String> = []

    /// Creates an empty sink.
    public init() {}

    /// Stores the events whose id it has not seen.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        var stored = 0
        for event in events where ids.insert(event.id).inserted {
            self.events.append(event)
            stored += 1
        }
        return stored
    }
}
