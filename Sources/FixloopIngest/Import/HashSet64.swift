/// A set of 64-bit hashes that are already well mixed (``StableHash/wide(_:)-(String)``), kept in one open-addressed
/// table: no second hashing of the key, as `Set<UInt64>` does with SipHash on every look-up. The importer asks it
/// millions of times per import (event ids, session ids).
struct HashSet64 {
    private var slots: [UInt64]
    /// Whether the key 0, which marks an empty slot, is in the set.
    private var hasZero = false
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var size = 16
        while size < minimumCapacity * 2 { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
    }

    func contains(_ key: UInt64) -> Bool {
        if key == 0 { return hasZero }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[index]
            if slot == key { return true }
            if slot == 0 { return false }
            index = (index + 1) & mask
        }
    }

    /// Adds `key`; `true` when it was not there.
    @discardableResult
    mutating func insert(_ key: UInt64) -> Bool {
        if key == 0 {
            defer { hasZero = true }
            if !hasZero { count += 1 }
            return !hasZero
        }
        if (count + 1) * 2 > slots.count { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: key) & mask
        while true {
            let slot = slots[index]
            if slot == key { return false }
            if slot == 0 {
                slots[index] = key
                count += 1
                return true
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = slots
        slots = [UInt64](repeating: 0, count: old.count * 2)
        count = hasZero ? 1 : 0
        for key in old where key != 0 { insert(key) }
    }
}
