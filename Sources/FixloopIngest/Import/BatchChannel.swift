import Foundation

/// Hands event batches from the importer's reading thread to the thread that stores them, holding at most
/// `capacity` batches, so parsing the next batch overlaps storing the last one while memory stays bounded.
final class BatchChannel: @unchecked Sendable {
    // Every stored property is guarded by `condition`.
    private let condition = NSCondition()
    private var batches: [[AnalyticsEvent]] = []
    /// Batches the storing side is done with, released by the reading side: their memory goes back to the
    /// thread that allocated it, rather than the two threads taking turns at one allocator arena's lock.
    private var stored: [[AnalyticsEvent]] = []
    private var outcome: Result<ImportReport, any Error>?
    private var stopped = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room, then queues `batch`.
    /// - Throws: `CancellationError` once the storing side has stopped.
    func send(_ batch: [AnalyticsEvent]) throws {
        var done: [[AnalyticsEvent]] = []
        // Released here, on the reading thread, once the lock is let go.
        defer { done.removeAll() }
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity, !stopped { condition.wait() }
        if stopped { throw CancellationError() }
        batches.append(batch)
        swap(&done, &stored)
        condition.broadcast()
    }

    /// The storing side is done with `batch`: the reading side releases it.
    func release(_ batch: consuming [AnalyticsEvent]) {
        condition.lock()
        stored.append(batch)
        condition.unlock()
    }

    /// The next batch, or `nil` once the reading side has finished and every batch was taken.
    func receive() -> [AnalyticsEvent]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, outcome == nil { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    /// The reading side is done: its report, or the error that ended it.
    func finish(_ result: Result<ImportReport, any Error>) {
        condition.lock()
        outcome = result
        condition.broadcast()
        condition.unlock()
    }

    /// The storing side gives up: the reader's next `send` throws, and queued batches are dropped.
    func stop() {
        condition.lock()
        stopped = true
        batches.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits for the reading side to finish and returns what it ended with.
    func result() -> Result<ImportReport, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return outcome!
    }
}

/// The reading side's sink: batches go into the channel and count as stored; the storing side corrects the count.
struct ChannelEventSink: AnalyticsEventSink {
    let channel: BatchChannel

    mutating func store(_ events: [AnalyticsEvent]) throws -> Int {
        try channel.send(events)
        return events.count
    }
}
