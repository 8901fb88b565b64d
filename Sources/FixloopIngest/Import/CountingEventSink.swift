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
