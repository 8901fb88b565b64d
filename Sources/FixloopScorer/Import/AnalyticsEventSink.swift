/// Where imported events go. The store (`FixloopStore`, another target) implements this; so do test doubles.
///
/// The importer hands events over in batches (a transaction per batch suits SQLite) and has already removed
/// duplicates within the import. The sink removes duplicates across imports (a primary key on the event id)
/// and says how many of the batch it newly stored, so a re-import reports zero stored.
public protocol AnalyticsEventSink {
    /// Stores a batch of events and returns how many were not already stored.
    mutating func store(_ events: [AnalyticsEvent]) throws -> Int
}

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

/// Counts events and keeps none (benchmarks of the reader alone).
public struct CountingEventSink: AnalyticsEventSink {
    /// Events received.
    public private(set) var count = 0

    /// Creates a sink at zero.
    public init() {}

    /// Counts the batch as stored.
    public mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        count += events.count
        return events.count
    }
}
