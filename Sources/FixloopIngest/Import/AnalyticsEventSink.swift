/// Where imported events go. The store (`FixloopStore`, another target) implements this; so do test doubles.
///
/// The importer hands events over in batches (a transaction per batch suits SQLite) and has already removed
/// duplicates within the import. The sink removes duplicates across imports (a primary key on the event id)
/// and says how many of the batch it newly stored, so a re-import reports zero stored.
public protocol AnalyticsEventSink {
    /// Stores a batch of events and returns how many were not already stored.
    mutating func store(_ events: [AnalyticsEvent]) throws -> Int
}
