import Foundation

/// Session contexts seen lately, found again by their bytes: by a hash of them, then compared byte for byte. Two
/// generations of up to half the limit each, so memory stays bounded while a session's events, which come close
/// together, keep finding theirs. The importer shares one copy of a context among its events with it; the store
/// recognizes a context it has written, with the id it gave it.
package struct RecentContexts {
    private var current: [UInt64: (bytes: [UInt8], id: Int64)] = [:]
    private var previous: [UInt64: (bytes: [UInt8], id: Int64)] = [:]
    /// How many contexts are remembered at most.
    package let limit: Int

    package init(limit: Int) { self.limit = max(2, limit) }

    /// The remembered context whose bytes are exactly `bytes` (whose hash is `hash`), with its id.
    package mutating func find(_ bytes: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (bytes: [UInt8], id: Int64)? {
        if let entry = current[hash] { return Self.equal(entry.bytes, bytes) ? entry : nil }
        guard let entry = previous[hash], Self.equal(entry.bytes, bytes) else { return nil }
        remember(entry.bytes, hash: hash, id: entry.id)
        return entry
    }

    /// Remembers `bytes` (whose hash is `hash`) with `id`.
    package mutating func remember(_ bytes: [UInt8], hash: UInt64, id: Int64 = 0) {
        if current.count >= limit / 2 {
            previous = current
            current = [:]
            current.reserveCapacity(limit / 2)
        }
        current[hash] = (bytes, id)
    }

    private static func equal(_ known: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard known.count == bytes.count else { return false }
        guard let start = bytes.baseAddress else { return true }
        return known.withUnsafeBufferPointer { memcmp($0.baseAddress!, start, bytes.count) == 0 }
    }
}
