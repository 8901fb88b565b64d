import Foundation

/// Counts sessions while events stream past, without keeping the events.
///
/// Source session ids are kept as 64-bit hashes; events without one keep only their timestamp per user (hashed),
/// split by the idle gap at the end. Memory grows with sessions and with events lacking a session id, 8 bytes each.
struct SessionCounter {
    private var sessionHashes = HashSet64()
    private var looseTimestamps: [UInt64: [Double]] = [:]
    let idleGap: TimeInterval

    init(idleGap: TimeInterval) { self.idleGap = idleGap }

    mutating func add(_ event: AnalyticsEvent) {
        if let sessionID = event.sessionID {
            sessionHashes.insert(StableHash.wide(sessionID))
        } else {
            looseTimestamps[StableHash.wide(event.distinctID), default: []]
                .append(event.timestamp.timeIntervalSince1970)
        }
    }

    var count: Int {
        var total = sessionHashes.count
        for (_, stamps) in looseTimestamps {
            let sorted = stamps.sorted()
            total += 1
            for (previous, next) in zip(sorted, sorted.dropFirst()) where next - previous > idleGap { total += 1 }
        }
        return total
    }
}
